"""Deployment settings, read from ROOST_* environment variables."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="ROOST_", extra="ignore")

    data_dir: Path = Path("./roost-data")
    database_url: str | None = None
    redis_url: str | None = None
    domain: str = "localhost:8000"
    https: bool = False
    instance_title: str = "Roost"
    instance_description: str = "An AI-native social network."
    contact_email: str = ""
    registrations: Literal["open", "approval", "closed"] = "open"
    secret_key: str | None = None

    max_post_chars: int = Field(500, ge=1, le=100_000)
    max_media_per_post: int = Field(4, ge=0, le=16)
    max_upload_bytes: int = Field(16 * 1024 * 1024, ge=1024)
    max_image_pixels: int = Field(40_000_000, ge=10_000)
    poll_max_options: int = Field(4, ge=2, le=64, description="options a poll may have")
    poll_max_characters_per_option: int = Field(50, ge=1, le=1000,
                                                description="characters in one poll option")
    poll_min_expiration: int = Field(300, ge=60, description="shortest poll, in seconds")
    poll_max_expiration: int = Field(2_629_746, ge=3600, description="longest poll, in seconds; the default is a month")

    rate_limit_per_token: int = Field(300, ge=1, description="requests per 5 minutes per token")
    rate_limit_per_ip: int = Field(300, ge=1, description="requests per 5 minutes per IP when anonymous")
    rate_limit_registrations: int = Field(5, ge=1, description="accounts per 30 minutes per IP")
    rate_limits_enabled: bool = True
    trusted_proxies: str = Field(
        "127.0.0.0/8,::1/128",
        description="addresses or CIDR blocks (comma separated) whose X-Forwarded-For and "
                    "X-Forwarded-Proto are believed; empty: none")

    @field_validator("trusted_proxies")
    @classmethod
    def _check_proxies(cls, v: str) -> str:
        from roost.kit.proxies import parse_networks

        parse_networks(v)  # ValueError names the bad entry
        return v

    workers_in_process: bool = True
    worker_concurrency: int = Field(4, ge=1, le=64)
    max_connections: int = Field(
        256, ge=1, description="open requests per web process; beyond it new ones get 503 at once")
    event_retention_days: int = Field(0, ge=0, description="prune older events daily; 0 keeps all")
    datasets_dir: Path | None = Field(
        None, description="where dataset builds are written (KIND/vVERSION/); empty: "
        "DATA_DIR/datasets")
    datasets_license: str = Field(
        "other", description="license in the dataset cards (an SPDX id such as cc-by-4.0, or "
        "`other`: use for training models only, as each contributor consented)")
    firehose_per_ip: int = Field(4, ge=1, description="open firehose connections per client address")
    firehose_heartbeat_seconds: float = Field(
        15.0, gt=0, description="firehose: seconds between heartbeat lines carrying the position")
    firehose_poll_seconds: float = Field(
        1.0, gt=0, description="firehose: seconds between looks for events written by other "
        "processes; a commit in this process wakes the streams at once")
    firehose_buffer: int = Field(
        200, ge=1, le=200, description="firehose: events read ahead and sent in one write to a "
        "consumer, up to 200")
    firehose_send_timeout: float = Field(
        10.0, gt=0, description="firehose: seconds a consumer may leave a message unaccepted "
        "before it is disconnected as too slow")
    notes_min_ratings: int = Field(
        3, ge=1, description="notes: ratings a note needs before it can be rated helpful or not "
        "helpful (docs/subsystems/notes.md)")

    archive_interval_hours: int = Field(
        24, ge=0, description="hours a person waits between two requests for an archive of their "
        "data; 0 lets them ask at any time")
    archive_retention_days: int = Field(
        7, ge=1, description="days a finished archive of a person's data can be downloaded before a "
        "job removes it")

    home_feed_size: int = Field(800, ge=50)
    fan_out_active_days: int = Field(14, ge=1)
    fan_out_max_followers: int = Field(20_000, ge=1, description="above this, posts merge at read time")

    log_level: str = "info"

    rules: str = Field("", description="instance rules, one per line (or a JSON list); else "
                       "rules.txt in the data directory")

    source_url: str = Field("", description="where this server's source is offered; empty: base_url")
    login_failures_per_ip: int = Field(30, ge=1, description="failed sign-ins per 5 minutes per IP")
    login_failures_per_account: int = Field(10, ge=1, description="failed sign-ins per 5 minutes")

    ai_toxicity_refuse: float = Field(
        0.8, ge=0, le=1, description="AI moderation: refuse a prompt or text whose toxicity score "
        "reaches this")
    ai_nsfw_sensitive: float = Field(
        0.6, ge=0, le=1, description="AI moderation: show an image behind a warning when its NSFW "
        "score reaches this")
    ai_nsfw_refuse: float = Field(
        0.9, ge=0, le=1, description="AI moderation: refuse an image whose NSFW score reaches this")
    ai_moderation_blocklist: str = Field(
        "", description="AI moderation: a file of terms (one a line; `re:` for a regular "
        "expression) refused in prompts and texts, beside the built-in few")
    ai_image_provider: str = Field(
        "builtin", description="what draws generated images: `builtin` (Roost's sketch "
                               "generator, offline, no GPU), `diffusers` (a local pipeline), "
                               "`automatic1111` (A1111/Forge), `openai` (OpenAI-compatible)")
    ai_embeddings_provider: str = Field(
        "builtin", description="what embeds text: `builtin` (all-MiniLM-L6-v2 int8 on "
                               "onnxruntime, offline), `openai` (OpenAI-compatible)")
    ai_text_provider: str = Field(
        "builtin", description="what writes the assistant's answers: `builtin` (SmolLM2-135M-"
        "Instruct on llama-cpp-python, offline, CPU), `gguf` (the GGUF chat model at "
        "ROOST_AI_TEXT_MODEL_PATH) or `openai` (OpenAI-compatible)")
    ai_text_model_path: str = Field(
        "", description="the GGUF chat model file used when ROOST_AI_TEXT_PROVIDER is `gguf`")
    ai_text_moderation: str = Field(
        "builtin", description="what checks prompts and texts: `builtin` (a local model and "
                               "the blocklist), `openai` (an OpenAI-compatible /moderations "
                               "and the blocklist)")

    ai_openai_base_url: str = Field(
        "", description="OpenAI-compatible server, up to and including /v1 (e.g. "
                        "https://api.openai.com/v1, http://127.0.0.1:11434/v1 for Ollama)")
    ai_openai_api_key: SecretStr | None = Field(
        None, description="API key sent as a Bearer token; empty for servers without one")
    ai_openai_chat_model: str = Field("", description="model for chat completions")
    ai_openai_embeddings_model: str = Field("", description="model for embeddings")
    ai_openai_image_model: str = Field("", description="model for image generation")
    ai_openai_image_size: str = Field(
        "", description="image size sent as `size` (e.g. 1024x1024, which OpenAI's models "
                        "need); empty: the request's own size")
    ai_openai_moderation_model: str = Field(
        "", description="model for /moderations; empty: the server's default")
    ai_openai_timeout: float = Field(
        60.0, gt=0, le=600, description="seconds to wait for the OpenAI-compatible server")

    ai_a1111_base_url: str = Field(
        "", description="Automatic1111/Forge web UI started with --api (e.g. "
                        "http://127.0.0.1:7860)")
    ai_a1111_model: str = Field(
        "", description="checkpoint to use (sd_model_checkpoint); empty: the server's current one")
    ai_a1111_steps: int = Field(20, ge=1, le=150, description="sampling steps")
    ai_a1111_cfg_scale: float = Field(7.0, ge=0, le=30, description="classifier-free guidance")
    ai_a1111_sampler: str = Field("", description="sampler name; empty: the server's default")
    ai_a1111_negative_prompt: str = Field("", description="negative prompt sent with every image")

    ai_diffusers_path: str = Field(
        "", description="directory of a diffusers text-to-image pipeline (model_index.json)")
    ai_diffusers_steps: int = Field(
        25, ge=1, le=150, description="inference steps (SD-Turbo: 1 to 4)")
    ai_diffusers_guidance: float = Field(
        7.0, ge=0, le=30, description="guidance scale (SD-Turbo: 0)")
    ai_diffusers_device: Literal["cpu", "cuda"] = Field(
        "cpu", description="where the pipeline runs: cpu or cuda")

    ai_assistant_enabled: bool = Field(
        True, description="run the assistant account: it answers posts that mention it")
    ai_assistant_username: str = Field(
        "assistant", description="the assistant account's username (created at start-up)")
    ai_assistant_per_hour: int = Field(
        20, ge=0, description="answers the assistant gives one person per hour; past it, "
        "mentions go unanswered")
    ai_assistant_max_tokens: int = Field(
        200, ge=8, le=4096, description="longest answer the assistant writes, in model tokens")

    ai_daily_generations: int = Field(
        50, ge=0, description="AI image generations one person may start per UTC day (admins are "
        "exempt; 0 turns generation off for everyone else)")
    ai_generation_timeout: float = Field(
        60.0, gt=0, le=600, description="seconds an image generation may run before it fails")
    ai_candidate_retention_days: int = Field(
        30, ge=0, description="days generated candidates (picked or not) are kept before a daily "
        "job removes them; picked ones live on as the person's media (0 keeps them forever)")

    ai_caption_provider: str = Field(
        "builtin", description="what suggests alt text: `builtin` (ImageNet tags, OCR and "
                               "colours, offline)")
    ai_c2pa_cert: str = Field(
        "", description="PEM certificate chain (leaf first) to sign a C2PA manifest into "
        "generated images; with ai_c2pa_key, and only if c2pa-python is installed")
    ai_c2pa_key: str = Field("", description="PEM private key for ai_c2pa_cert")

    @field_validator("ai_c2pa_cert", "ai_c2pa_key")
    @classmethod
    def _check_c2pa_file(cls, v: str) -> str:
        v = v.strip()
        if v and not Path(v).is_file():
            raise ValueError(f"no such file: {v}")
        return v

    @field_validator("ai_caption_provider")
    @classmethod
    def _check_caption_provider(cls, v: str) -> str:
        from roost.ai import registry

        v = v.strip().lower()
        if v not in registry.CAPTIONS:
            raise ValueError(f"must be one of {', '.join(registry.CAPTIONS)} (got {v!r})")
        return v

    @field_validator("ai_image_provider", "ai_embeddings_provider", "ai_text_provider",
                     "ai_text_moderation")
    @classmethod
    def _check_ai_provider(cls, v: str, info) -> str:
        from roost.ai import registry

        table = registry.tables()[info.field_name]
        v = v.strip().lower()
        if v not in table:
            raise ValueError(f"must be one of {', '.join(table)} (got {v!r})")
        return v

    @model_validator(mode="after")
    def _check_ai_provider_settings(self) -> Settings:
        from roost.ai import registry

        registry.check_settings(self)  # ValueError naming the missing setting
        return self

    @field_validator("database_url")
    @classmethod
    def _check_db_url(cls, v: str | None) -> str | None:
        if v is None or v == "":
            return None
        if v.startswith("postgres://") or v.startswith("postgresql://"):
            v = "postgresql+asyncpg://" + v.split("://", 1)[1]
        if not (v.startswith("sqlite+aiosqlite://") or v.startswith("postgresql+asyncpg://")):
            raise ValueError("must start with sqlite+aiosqlite:// or postgresql+asyncpg://")
        return v

    @property
    def effective_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite+aiosqlite:///{(self.data_dir / 'roost.db').resolve()}"

    @property
    def effective_datasets_dir(self) -> Path:
        return self.datasets_dir or self.data_dir / "datasets"

    @property
    def media_dir(self) -> Path:
        return self.data_dir / "media"

    @property
    def base_url(self) -> str:
        return f"{'https' if self.https else 'http'}://{self.domain}"


@lru_cache
def get_settings() -> Settings:
    return Settings()
