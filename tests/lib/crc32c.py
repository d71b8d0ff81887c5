"""CRC-32C (Castagnoli, iSCSI) written from its definition, bit by bit:
the independent implementation tests check generated CRCs against.

    sys.path.insert(0, os.path.join(os.environ["DFGEN_TOP"], "tests/lib"))
    from crc32c import crc32c
"""


def crc32c(data):
    crc = 0xffffffff
    for byte in data:
        crc ^= byte
        for _ in range(8):
            crc = (crc >> 1) ^ (0x82f63b78 if crc & 1 else 0)
    return crc ^ 0xffffffff


assert crc32c(b"123456789") == 0xe3069283
