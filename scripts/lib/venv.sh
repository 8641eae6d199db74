# Sourced by scripts/serve and scripts/test: create .venv and (re)install Roost into it.
#   ensure_venv EXTRAS     EXTRAS is "" (Roost alone) or "test" (Roost and what the tests need)
# It reinstalls only when pyproject.toml changed since the last install of those extras.

# llama-cpp-python (the assistant's built-in model) is built from source. Its default build
# tunes itself to the building CPU and crashed on the first token on some x86-64 machines, so on
# x86-64 Roost asks for a portable AVX2 build unless you set CMAKE_ARGS yourself.
if [ -z "${CMAKE_ARGS:-}" ] && [ "$(uname -m)" = x86_64 ]; then
  export CMAKE_ARGS="-DGGML_NATIVE=OFF -DGGML_AVX2=ON -DGGML_FMA=ON -DGGML_F16C=ON"
fi

ensure_venv() {
  local extras=$1 python=${PYTHON:-python3}
  if [ ! -x .venv/bin/python ]; then
    if ! "$python" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
      echo "Roost needs Python 3.11 or newer; '$python' is $("$python" -V 2>&1 || echo missing)." >&2
      echo "Set PYTHON=/path/to/python3.11 and run it again." >&2
      return 1
    fi
    echo "Creating .venv with $("$python" -V)"
    "$python" -m venv .venv
  fi
  local want have_test have_plain
  want=$(.venv/bin/python -c 'import hashlib; print(hashlib.sha256(open("pyproject.toml","rb").read()).hexdigest())')
  have_test=$(cat .venv/.roost-install-test 2>/dev/null || true)
  have_plain=$(cat .venv/.roost-install 2>/dev/null || true)
  if [ "$have_test" = "$want" ] || { [ -z "$extras" ] && [ "$have_plain" = "$want" ]; }; then
    return 0
  fi
  local spec=. stamp=.venv/.roost-install
  if [ -n "$extras" ]; then spec=".[$extras]"; stamp=.venv/.roost-install-$extras; fi
  echo "Installing Roost${extras:+ with its $extras extras} into .venv" \
       "(the first time takes several minutes: it builds llama-cpp-python)..."
  .venv/bin/python -m pip install --quiet -e "$spec" || return 1
  echo "$want" > "$stamp"
}
