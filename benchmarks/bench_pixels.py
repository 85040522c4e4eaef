#!/usr/bin/env python
"""How far apart two variants' images are: the RMS difference, in grey levels (0..255), between the sets two variants
of a study cell made from the same distill seed (image k of class c against image k of class c), per seed and mean.
Two variants that start from the same real patches and differ in one setting (bf16 against fp32 recover, FD2's terms,
another draw of recover's crops) differ by this much in what the student sees.

Example (the bf16 recover cell of the recover notebook, run from benchmarks/):
python bench_pixels.py --cell amp/synthbirds/ipc3-val --pairs sre2l++:sre2l++-bf16 fd2:fd2-bf16 sre2l++:fd2"""
import argparse
from pathlib import Path
from common import set_quiet
from fd2dd.distilled import load_distilled

ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
ap.add_argument('--cell', required=True, help="a study cell's folder (holding distilled/<variant>/seed<d>)")
ap.add_argument('--pairs', nargs='+', required=True, help='A:B, two variants of the cell')
a = ap.parse_args()
set_quiet(True)
root = Path(a.cell) / 'distilled'
for pair in a.pairs:
    va, vb = pair.split(':')
    seeds = sorted(p.name for p in (root / va).glob('seed*') if (root / vb / p.name).exists())
    rms = []
    for s in seeds:
        (da, _), (db, _) = load_distilled(root / va / s), load_distilled(root / vb / s)
        if da.images.shape != db.images.shape or not (da.labels == db.labels).all():
            raise SystemExit(f"{va}/{s} and {vb}/{s} hold different images or classes: not made from the same start")
        rms.append(float((da.images.float() - db.images.float()).pow(2).mean().sqrt()))
    if not rms:
        raise SystemExit(f"no distill seed of {va} and {vb} in {root}")
    print(f"{va} against {vb}: RMS difference {sum(rms) / len(rms):.2f} grey levels over {len(rms)} seeds "
          f"({', '.join(f'{r:.2f}' for r in rms)})", flush=True)
