#!/usr/bin/env python3
"""Writes python_repr_random.txt: IEEE-754 bits (hex) and Python's repr() of
2,000 random bit patterns, 2,000 random simulation-like values (1e-12..1e20,
some rounded, some scaled), every power of two and its lower neighbour
(where the gap below is half the gap above), exact ties between two
shortest candidates (2^e + 0.25 and the like, Python takes the even digit)
and the first subnormals.  Run: python3 make_python_repr_random.py >python_repr_random.txt"""
import random
import struct
import sys

random.seed(20261202)
seen = set()


def bits(x):
    return struct.unpack('<Q', struct.pack('<d', x))[0]


def emit(x):
    if x != x or x in (float('inf'), float('-inf')) or bits(x) in seen:
        return
    seen.add(bits(x))
    print('%016x %s' % (bits(x), repr(x)))


print('# IEEE-754 bits of a double (hex) and Python %d.%d repr() of it; made by make_python_repr_random.py'
      % sys.version_info[:2])
for _ in range(2000):
    emit(struct.unpack('<d', struct.pack('<Q', random.getrandbits(64)))[0])
for _ in range(2000):
    x = random.uniform(0, 1) * 10 ** random.randint(-12, 20)
    if random.random() < 0.5:
        x = round(x, random.randint(0, 8))
    if random.random() < 0.3:
        x *= random.choice([1.1, 0.3, 7, 1 / 3, 1e-9, 1e9])
    emit(x if random.random() < 0.8 else -x)
for e in range(-1074, 1024, 3):
    emit(2.0 ** e)
    emit(struct.unpack('<d', struct.pack('<Q', bits(2.0 ** e) - 1))[0])
for e in range(40, 53):
    for f in (0.25, 0.75, 0.5, 0.125, 0.375):
        emit(2.0 ** e + f)
        emit(2.0 ** e * 1.5 + f)
for i in range(1, 50):
    emit(struct.unpack('<d', struct.pack('<Q', i))[0])
