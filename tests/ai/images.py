"""Small real images for the alt text and provenance tests, made with Pillow."""

from __future__ import annotations

import io

from PIL import Image, ImageDraw, ImageFont, PngImagePlugin

FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"


def encode(im: Image.Image, fmt: str = "PNG", **kw) -> bytes:
    buf = io.BytesIO()
    im.save(buf, fmt, **kw)
    return buf.getvalue()


def sign(text: str = "OPEN 24 HOURS", size: tuple[int, int] = (320, 120),
         back: tuple[int, int, int] = (240, 130, 20)) -> Image.Image:
    """Dark text on a coloured board."""
    im = Image.new("RGB", size, back)
    try:
        font = ImageFont.truetype(FONT, size[1] // 4)
    except OSError:
        font = ImageFont.load_default(size=size[1] // 4)
    ImageDraw.Draw(im).text((size[0] // 16, size[1] // 3), text, fill="black", font=font)
    return im


def photo(size: tuple[int, int] = (96, 64)) -> Image.Image:
    """A plain image with some structure and no metadata (a stand-in for a camera photo)."""
    im = Image.new("RGB", size, (70, 120, 190))
    d = ImageDraw.Draw(im)
    d.rectangle([0, size[1] * 2 // 3, size[0], size[1]], fill=(60, 140, 60))
    d.ellipse([size[0] // 2, 4, size[0] // 2 + 16, 20], fill=(250, 220, 90))
    return im


def a1111_png(prompt: str = "a castle on a hill, oil painting") -> bytes:
    """A PNG as Automatic1111 writes it: a `parameters` tEXt chunk."""
    info = PngImagePlugin.PngInfo()
    info.add_text("parameters", f"{prompt}\nNegative prompt: blurry\nSteps: 20, Sampler: Euler a, "
                                "CFG scale: 7, Seed: 1234, Size: 96x64, Model: sd_xl_base_1.0")
    return encode(photo(), pnginfo=info)


def xmp_jpeg(source_type: str = "http://cv.iptc.org/newscodes/digitalsourcetype/trainedAlgorithmicMedia") -> bytes:
    """A JPEG whose XMP (APP1) names an IPTC digital source type, as image generators write."""
    packet = (
        '<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF '
        'xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description rdf:about="" '
        'xmlns:Iptc4xmpExt="http://iptc.org/std/Iptc4xmpExt/2008-02-29/" '
        f'Iptc4xmpExt:DigitalSourceType="{source_type}"/></rdf:RDF></x:xmpmeta>')
    return encode(photo(), "JPEG", xmp=packet.encode())


def chain_and_key(directory) -> tuple[str, str]:  # noqa: ANN001
    """A throwaway CA and a leaf certificate it issued (EC P-256, for ES256), written as PEM
    files in `directory`: (chain path, key path)."""
    import datetime as dt

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

    now = dt.datetime.now(dt.timezone.utc)

    def name(cn: str) -> x509.Name:
        return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, cn),
                          x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Roost tests")])

    def usage(sign: bool) -> x509.KeyUsage:
        return x509.KeyUsage(digital_signature=sign, content_commitment=False,
                             key_encipherment=False, data_encipherment=False, key_agreement=False,
                             key_cert_sign=not sign, crl_sign=not sign, encipher_only=False,
                             decipher_only=False)

    def cert(subject, issuer, key, signing_key, ca: bool) -> x509.Certificate:  # noqa: ANN001
        b = (x509.CertificateBuilder().subject_name(subject).issuer_name(issuer)
             .public_key(key.public_key()).serial_number(x509.random_serial_number())
             .not_valid_before(now - dt.timedelta(days=1))
             .not_valid_after(now + dt.timedelta(days=30))
             .add_extension(x509.BasicConstraints(ca=ca, path_length=0 if ca else None), True)
             .add_extension(usage(not ca), True)
             .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), False))
        if not ca:
            b = b.add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.EMAIL_PROTECTION]), False)
            b = b.add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(
                signing_key.public_key()), False)
        return b.sign(signing_key, hashes.SHA256())

    ca_key, leaf_key = ec.generate_private_key(ec.SECP256R1()), ec.generate_private_key(ec.SECP256R1())
    ca = cert(name("Roost test CA"), name("Roost test CA"), ca_key, ca_key, True)
    leaf = cert(name("roost.test signer"), ca.subject, leaf_key, ca_key, False)
    pem = serialization.Encoding.PEM
    chain_path, key_path = directory / "chain.pem", directory / "key.pem"
    chain_path.write_bytes(leaf.public_bytes(pem) + ca.public_bytes(pem))
    key_path.write_bytes(leaf_key.private_bytes(pem, serialization.PrivateFormat.PKCS8,
                                                serialization.NoEncryption()))
    return str(chain_path), str(key_path)
