"""Local images from a diffusers text-to-image pipeline in a directory (ROOST_AI_DIFFUSERS_PATH):
Stable Diffusion 1.x/2.x, SD-Turbo, SDXL(-Turbo) saved with `save_pretrained` or downloaded by
the operator. Nothing is ever downloaded here (local files only).

The pipeline loads once per process, on first use, under a lock; generation runs under the same
lock (a pipeline's scheduler keeps state between steps, so one run at a time). Candidate i is
drawn alone with a torch.Generator seeded `seed + i`: the same prompt, seed, size and settings
give the same picture, and any candidate can be redrawn alone. Needs the `roost[diffusers]`
extra (torch, diffusers, transformers)."""

from __future__ import annotations

import io
import os
import threading
from pathlib import Path

from roost.ai.providers.base import GeneratedImage, ImageRequest, ProviderError, ProviderInfo
from roost.ai.providers.prompting import dimensions, styled_prompt
from roost.config import Settings


class DiffusersImages:
    def __init__(self, settings: Settings) -> None:
        self.path = Path(settings.ai_diffusers_path).expanduser()
        self.steps = settings.ai_diffusers_steps
        self.guidance = settings.ai_diffusers_guidance
        self.device = settings.ai_diffusers_device
        self.model = self.path.name or str(self.path)
        self.info = ProviderInfo(name="diffusers", model=self.model, kind="local",
                                 label=f"{self.model} (local diffusers pipeline)")
        self._lock = threading.Lock()
        self._pipe = None

    def _load(self):  # noqa: ANN202 - a diffusers pipeline
        if self._pipe is not None:
            return self._pipe
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        try:
            import torch
            from diffusers import AutoPipelineForText2Image
        except ImportError:
            raise ProviderError("The diffusers image generator needs torch and diffusers "
                                "(pip install 'roost[diffusers]')") from None
        if not (self.path / "model_index.json").is_file():
            raise ProviderError(f"ROOST_AI_DIFFUSERS_PATH ({self.path}) holds no diffusers "
                                "pipeline (no model_index.json)")
        if self.device == "cuda" and not torch.cuda.is_available():
            raise ProviderError("ROOST_AI_DIFFUSERS_DEVICE is cuda but torch sees no CUDA device")
        # Half precision on a GPU; diffusers keeps the modules that need float32 in float32.
        options = {"torch_dtype": torch.float16} if self.device == "cuda" else {}
        try:
            pipe = AutoPipelineForText2Image.from_pretrained(str(self.path), local_files_only=True,
                                                             **options)
        except Exception as exc:  # noqa: BLE001 - any failure to load is the operator's to fix
            raise ProviderError(f"The diffusers pipeline in {self.path} could not be loaded: "
                                f"{str(exc).splitlines()[0][:200]}") from None
        pipe = pipe.to(self.device)
        pipe.set_progress_bar_config(disable=True)
        self._pipe = pipe
        return pipe

    def generate(self, request: ImageRequest) -> list[GeneratedImage]:
        import torch

        request = request.resolved()
        width, height = dimensions(request)
        prompt = styled_prompt(request)
        out = []
        with self._lock:
            pipe = self._load()
            for i in range(request.n):
                seed = (request.seed + i) % (2**31)
                generator = torch.Generator(self.device).manual_seed(seed)
                with torch.inference_mode():
                    image = pipe(prompt, width=width, height=height,
                                 num_inference_steps=self.steps, guidance_scale=self.guidance,
                                 generator=generator, output_type="pil").images[0]
                buf = io.BytesIO()
                image.save(buf, "PNG")
                out.append(GeneratedImage(buf.getvalue(), image.width, image.height, seed, {
                    "steps": self.steps, "guidance": self.guidance, "width": width,
                    "height": height, "style": request.style,
                    "aspect_ratio": request.aspect_ratio, "device": self.device}))
        return out
