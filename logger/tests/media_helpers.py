"""Reading what the media writer wrote: a strict PNG decoder (chunk CRCs, zlib, all five row filters) and the
media records of a run."""

import os
import struct
import subprocess
import zlib

from tests.helpers import LOGGER_DIR, child_env, read_records

SYSTEM_PYTHON = "/usr/bin/python3"  # the interpreter with numpy and torch (Debian's python3-numpy/-torch)

_CHANNELS = {0: 1, 2: 3, 4: 2, 6: 4}


def decode_png(data):
    """``(width, height, channels, pixels)`` of an 8-bit PNG; raises AssertionError on anything malformed."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "no PNG signature"
    pos, idat, header, ended = 8, b"", None, False
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos:pos + 4])
        kind = data[pos + 4:pos + 8]
        body = data[pos + 8:pos + 8 + length]
        (crc,) = struct.unpack(">I", data[pos + 8 + length:pos + 12 + length])
        assert crc == zlib.crc32(kind + body) & 0xFFFFFFFF, "bad CRC in %r" % kind
        pos += 12 + length
        if kind == b"IHDR":
            header = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            idat += body
        elif kind == b"IEND":
            ended = True
            break
    assert ended and pos == len(data), "no IEND at the end"
    width, height, depth, color, compression, filt, interlace = header
    assert (depth, compression, filt, interlace) == (8, 0, 0, 0), header
    channels = _CHANNELS[color]
    raw = zlib.decompress(idat)
    stride = width * channels
    assert len(raw) == height * (stride + 1), "IDAT holds %d bytes, expected %d" % (len(raw), height * (stride + 1))
    out = bytearray()
    prev = bytearray(stride)
    for y in range(height):
        f = raw[y * (stride + 1)]
        line = bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        assert f <= 4, "bad filter %d" % f
        for i in range(stride if f else 0):
            a = line[i - channels] if i >= channels else 0
            b = prev[i]
            c = prev[i - channels] if i >= channels else 0
            if f == 1:
                line[i] = (line[i] + a) & 255
            elif f == 2:
                line[i] = (line[i] + b) & 255
            elif f == 3:
                line[i] = (line[i] + (a + b) // 2) & 255
            elif f == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        out += line
        prev = line
    return width, height, channels, bytes(out)


def media_records(path):
    return [r for r in read_records(path) if r["t"] == "media"]


def by_key(records):
    out = {}
    for r in records:
        out.setdefault(r["key"], []).append(r)
    return out


def read_media(run_dir, rel):
    assert not rel.startswith("/") and ".." not in rel.split("/") and rel.startswith("media/"), rel
    with open(os.path.join(run_dir, *rel.split("/")), "rb") as f:
        return f.read()


def run_system_python(testcase, code, root, timeout=300):
    """Run ``code`` with /usr/bin/python3 and the logger on PYTHONPATH. The test fails (never skips) when that
    interpreter or its numpy/torch is missing: CI installs python3-numpy and python3-torch."""
    testcase.assertTrue(os.path.exists(SYSTEM_PYTHON), "%s is missing (CI installs it)" % SYSTEM_PYTHON)
    proc = subprocess.run([SYSTEM_PYTHON, "-c", code], env=child_env(root, TRACKSIDE_SYSTEM_METRICS="0"),
                          cwd=LOGGER_DIR, stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=timeout)
    testcase.assertEqual(proc.returncode, 0, "child failed:\n%s\n%s" % (proc.stdout.decode(errors="replace"),
                                                                      proc.stderr.decode(errors="replace")))
    return proc.stdout.decode(), proc.stderr.decode()
