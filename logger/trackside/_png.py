"""A small PNG encoder (zlib, no filters) and the sizes of PNG/JPEG files, for media images.

Runs on the writer thread. Filter type 0 on every row keeps the encoder a join and one ``zlib.compress``
(C code); the files are somewhat larger than a filtering encoder's, which is the right trade for a logger.
"""

import struct
import zlib

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"

# PNG colour types by channel count: grey, grey+alpha, RGB, RGBA.
COLOR_TYPES = {1: 0, 2: 4, 3: 2, 4: 6}


def _chunk(kind, data):
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)


def encode_png(width, height, channels, pixels, level=6):
    """PNG bytes for ``pixels``: ``height`` rows of ``width * channels`` bytes (8 bits per sample), row-major."""
    stride = width * channels
    if len(pixels) != stride * height:
        raise ValueError("expected %d bytes of pixels, got %d" % (stride * height, len(pixels)))
    raw = b"\x00" + b"\x00".join(pixels[i:i + stride] for i in range(0, stride * height, stride))
    ihdr = struct.pack(">IIBBBBB", width, height, 8, COLOR_TYPES[channels], 0, 0, 0)
    return PNG_SIGNATURE + _chunk(b"IHDR", ihdr) + _chunk(b"IDAT", zlib.compress(raw, level)) + _chunk(b"IEND", b"")


def sniff(data):
    """``(format, width, height)`` of PNG or JPEG bytes, or raise ValueError saying why they are not one."""
    if data[:8] == PNG_SIGNATURE:
        if len(data) < 33 or data[12:16] != b"IHDR":
            raise ValueError("a PNG without its IHDR header")
        width, height = struct.unpack(">II", data[16:24])
        if not width or not height:
            raise ValueError("a PNG of size 0")
        return "png", width, height
    if data[:3] == b"\xff\xd8\xff":
        width, height = _jpeg_size(data)
        return "jpeg", width, height
    raise ValueError("not PNG or JPEG data (starts with %r)" % bytes(data[:8]))


# Start-of-frame markers carry the size; C4 (DHT), C8 (JPG) and CC (DAC) share the range but do not.
_SOF = set(range(0xC0, 0xD0)) - {0xC4, 0xC8, 0xCC}


def _jpeg_size(data):
    i, n = 2, len(data)
    while i + 4 <= n:
        if data[i] != 0xFF:
            raise ValueError("a damaged JPEG (no marker at byte %d)" % i)
        marker = data[i + 1]
        if marker == 0xFF:  # fill byte
            i += 1
            continue
        if marker in (0x01,) or 0xD0 <= marker <= 0xD7:  # markers without a length
            i += 2
            continue
        (length,) = struct.unpack(">H", data[i + 2:i + 4])
        if marker in _SOF:
            if i + 9 > n:
                break
            height, width = struct.unpack(">HH", data[i + 5:i + 9])
            if not width or not height:
                raise ValueError("a JPEG of size 0")
            return width, height
        if length < 2:
            raise ValueError("a damaged JPEG (segment length %d)" % length)
        i += 2 + length
    raise ValueError("a JPEG without a frame header")
