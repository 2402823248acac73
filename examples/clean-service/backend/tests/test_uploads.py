import pytest

from app.routers.avatar import sniff_image_type


@pytest.mark.parametrize(
    ("head", "expected"),
    [
        (b"\x89PNG\r\n\x1a\n" + b"\x00" * 8, ".png"),
        (b"\xff\xd8\xff\xe0" + b"\x00" * 12, ".jpg"),
        (b"RIFF\x24\x00\x00\x00WEBPVP8 ", ".webp"),
    ],
)
def test_recognises_supported_images(head, expected):
    assert sniff_image_type(head) == expected


@pytest.mark.parametrize(
    "head",
    [b"<svg xmlns='http://www.w3.org/2000/svg'>", b"GIF89a\x01\x00\x01\x00", b"%PDF-1.7\n", b""],
)
def test_rejects_everything_else(head):
    assert sniff_image_type(head) is None
