"""Remote images from an Automatic1111 or Forge web UI started with `--api`:
POST {base}/sdapi/v1/txt2img with the seed and batch_size = n. A1111 gives image i of a batch
the seed `seed + i`, which is Roost's candidate rule, so candidates are reproducible."""

from __future__ import annotations

import json

from roost.ai.providers.base import GeneratedImage, ImageRequest, ProviderError, ProviderInfo
from roost.ai.providers.http import JsonClient, decode_png
from roost.ai.providers.prompting import dimensions, styled_prompt
from roost.config import Settings

SERVICE = "Automatic1111/Forge server"


class Automatic1111Images:
    def __init__(self, settings: Settings) -> None:
        self.client = JsonClient(settings.ai_a1111_base_url, service=SERVICE,
                                 timeout=settings.ai_generation_timeout)
        self.steps = settings.ai_a1111_steps
        self.cfg_scale = settings.ai_a1111_cfg_scale
        self.sampler = settings.ai_a1111_sampler
        self.negative_prompt = settings.ai_a1111_negative_prompt
        self.checkpoint = settings.ai_a1111_model
        model = self.checkpoint or "the server's current checkpoint"
        self.info = ProviderInfo(name="automatic1111", model=self.checkpoint or "current",
                                 kind="remote", label=f"Stable Diffusion ({model}) on Automatic1111")

    def payload(self, request: ImageRequest) -> dict:
        width, height = dimensions(request)
        body = {"prompt": styled_prompt(request), "negative_prompt": self.negative_prompt,
                "seed": request.seed, "batch_size": request.n, "n_iter": 1,
                "steps": self.steps, "cfg_scale": self.cfg_scale, "width": width,
                "height": height, "send_images": True, "save_images": False}
        if self.sampler:
            body["sampler_name"] = self.sampler
        if self.checkpoint:
            body["override_settings"] = {"sd_model_checkpoint": self.checkpoint}
            body["override_settings_restore_afterwards"] = True
        return body

    def generate(self, request: ImageRequest) -> list[GeneratedImage]:
        request = request.resolved()
        payload = self.payload(request)
        body = self.client.post("/sdapi/v1/txt2img", payload)
        images = body.get("images") if isinstance(body, dict) else None
        if not isinstance(images, list) or not all(isinstance(i, str) for i in images):
            raise ProviderError(f"The {SERVICE} answered in an unexpected shape")
        # save_images=false keeps the batch grid out (A1111 would put it first); extensions may
        # append extra images (ControlNet maps): keep the first n.
        if len(images) < request.n:
            raise ProviderError(f"The {SERVICE} sent {len(images)} images for {request.n}")
        info = _info(body)
        seeds = info.get("all_seeds")
        if not (isinstance(seeds, list) and len(seeds) >= request.n
                and all(isinstance(s, int) for s in seeds)):
            seeds = [request.seed + i for i in range(request.n)]
        out = []
        for i, b64 in enumerate(images[:request.n]):
            png, w, h = decode_png(b64, SERVICE)
            params = {"steps": self.steps, "cfg_scale": self.cfg_scale, "width": payload["width"],
                      "height": payload["height"], "style": request.style,
                      "aspect_ratio": request.aspect_ratio}
            for key in ("sampler_name", "sd_model_name", "sd_model_hash"):
                if isinstance(info.get(key), str):
                    params[key] = info[key]
            out.append(GeneratedImage(png, w, h, seeds[i] % (2**31), params))
        return out


def _info(body: dict) -> dict:
    """A1111's `info` is a JSON document inside a string."""
    raw = body.get("info")
    if isinstance(raw, dict):
        return raw
    try:
        parsed = json.loads(raw) if isinstance(raw, str) else {}
    except ValueError:
        return {}
    return parsed if isinstance(parsed, dict) else {}
