# Writes deep.wasm: a _start whose body is 200,000 nested empty blocks (600 KB), over wi's nesting
# limit of 100,000 (decoder/validator.h): refused with that figure, not validated at a cost of
# hundreds of bytes of host memory per level.
import sys

def leb(v):
    out = bytearray()
    while True:
        b, v = v & 0x7f, v >> 7
        out.append(b | 0x80 if v else b)
        if not v:
            return bytes(out)

def section(sid, payload):
    return bytes([sid]) + leb(len(payload)) + payload

n = 200_000
code = leb(0) + b'\x02\x40' * n + b'\x0b' * n + b'\x0b'
module = (b'\0asm\1\0\0\0' + section(1, b'\x01\x60\x00\x00') + section(3, b'\x01\x00')
          + section(7, b'\x01\x06_start\x00\x00') + section(10, b'\x01' + leb(len(code)) + code))
with open(sys.argv[1], 'wb') as f:
    f.write(module)
