"""The local diffusers provider on a TINY random-weight Stable Diffusion pipeline built here from
configs (no downloads: the CLIP tokenizer comes from a vocabulary and merges written below),
saved with save_pretrained and loaded back by path as an operator's model would be."""

from __future__ import annotations

import json

import pytest

from roost.ai import registry
from roost.ai.providers.base import ImageRequest, ProviderError
from roost.config import Settings

pytestmark = pytest.mark.no_database

torch = pytest.importorskip("torch")
diffusers = pytest.importorskip("diffusers")
transformers = pytest.importorskip("transformers")

LETTERS = "abcdefghijklmnopqrstuvwxyz"
MERGES = ["f o", "fo x</w>", "c a", "ca t</w>", "t h", "th e</w>"]


def _tokenizer(tmp):  # noqa: ANN001, ANN202
    """A CLIP BPE tokenizer over single letters and a few merges."""
    vocab = ["<|startoftext|>", "<|endoftext|>"]
    vocab += list(LETTERS) + [c + "</w>" for c in LETTERS] + [",", ",</w>"]
    vocab += [m.replace(" ", "") for m in MERGES]
    (tmp / "vocab.json").write_text(json.dumps({t: i for i, t in enumerate(vocab)}))
    (tmp / "merges.txt").write_text("#version: 0.2\n" + "\n".join(MERGES) + "\n")
    tok = transformers.CLIPTokenizer(str(tmp / "vocab.json"), str(tmp / "merges.txt"),
                                     model_max_length=77)
    return tok, len(vocab)


@pytest.fixture(scope="module")
def tiny_pipeline(tmp_path_factory):
    """A directory holding a tiny Stable Diffusion pipeline with random weights."""
    root = tmp_path_factory.mktemp("tiny-sd")
    torch.manual_seed(0)
    tokenizer, vocab_size = _tokenizer(root)
    text_encoder = transformers.CLIPTextModel(transformers.CLIPTextConfig(
        vocab_size=vocab_size, hidden_size=16, intermediate_size=32, num_hidden_layers=1,
        num_attention_heads=2, max_position_embeddings=77, bos_token_id=0, eos_token_id=1,
        pad_token_id=1))
    unet = diffusers.UNet2DConditionModel(
        sample_size=8, in_channels=4, out_channels=4, layers_per_block=1,
        block_out_channels=(16, 32), norm_num_groups=8, cross_attention_dim=16,
        attention_head_dim=2, down_block_types=("CrossAttnDownBlock2D", "DownBlock2D"),
        up_block_types=("UpBlock2D", "CrossAttnUpBlock2D"))
    # Four levels: latents are 1/8 of the image, as in real Stable Diffusion (64 px → 8×8).
    vae = diffusers.AutoencoderKL(
        in_channels=3, out_channels=3, latent_channels=4, layers_per_block=1,
        block_out_channels=(8, 8, 16, 16), norm_num_groups=8,
        down_block_types=("DownEncoderBlock2D",) * 4, up_block_types=("UpDecoderBlock2D",) * 4)
    pipe = diffusers.StableDiffusionPipeline(
        vae=vae, text_encoder=text_encoder, tokenizer=tokenizer, unet=unet,
        scheduler=diffusers.EulerDiscreteScheduler(steps_offset=1), safety_checker=None,
        feature_extractor=None, requires_safety_checker=False)
    path = root / "tiny-sd-random"
    pipe.save_pretrained(str(path))
    return path


@pytest.fixture(scope="module")
def generator(tiny_pipeline):
    settings = Settings(ai_image_provider="diffusers", ai_diffusers_path=str(tiny_pipeline),
                        ai_diffusers_steps=2, ai_diffusers_guidance=1.5)
    return registry.image_generator(settings)


def test_info_names_the_model_directory(generator):
    assert (generator.info.name, generator.info.model, generator.info.kind) == (
        "diffusers", "tiny-sd-random", "local")
    assert generator.info.label == "tiny-sd-random (local diffusers pipeline)"


def test_deterministic_per_seed_with_distinct_candidates(generator):
    first = generator.generate(ImageRequest("a fox, the cat", n=2, seed=5, size=64))
    again = generator.generate(ImageRequest("a fox, the cat", n=2, seed=5, size=64))
    alone = generator.generate(ImageRequest("a fox, the cat", n=1, seed=6, size=64))
    assert [i.seed for i in first] == [5, 6]
    assert all((i.width, i.height) == (64, 64) and i.png.startswith(b"\x89PNG") for i in first)
    assert [i.png for i in first] == [i.png for i in again]  # same seed: same pictures
    assert first[0].png != first[1].png                      # candidates differ
    assert alone[0].png == first[1].png                      # candidate i redrawn alone
    assert first[0].params["steps"] == 2 and first[0].params["guidance"] == 1.5


def test_a_broken_pipeline_directory_is_a_readable_provider_error(tmp_path):
    path = tmp_path / "half-copied"
    path.mkdir()
    (path / "model_index.json").write_text(json.dumps({
        "_class_name": "StableDiffusionPipeline", "unet": ["diffusers", "UNet2DConditionModel"]}))
    gen = registry.image_generator(Settings(ai_image_provider="diffusers",
                                            ai_diffusers_path=str(path), ai_diffusers_steps=1))
    with pytest.raises(ProviderError, match="could not be loaded"):
        gen.generate(ImageRequest("a fox", size=64))
