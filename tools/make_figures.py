#!/usr/bin/env python
"""Make the figures the README and notebooks show (run from the repository root).
`python tools/make_figures.py` draws the synthbirds picture; `--from-run runs/default` also copies
that run's accuracy figure and prints its results table for nbs/index.ipynb."""
import shutil, sys, json
from pathlib import Path
import matplotlib; matplotlib.use('Agg')
import matplotlib.pyplot as plt
from fd2dd.data.synth import SynthBirds

out = Path(__file__).resolve().parents[1]/'nbs'/'images'; out.mkdir(parents=True, exist_ok=True)
sb = SynthBirds(num_classes=4, size=64, n_train=6, n_test=1, seed=0)
d = sb.data('train')
fig, axs = plt.subplots(4, 6, figsize=(7.5, 5.2))
for i, ax in enumerate(axs.flat):
    ax.imshow(d.images[i].permute(1, 2, 0)); ax.set_xticks([]); ax.set_yticks([])
    if i % 6 == 0: ax.set_ylabel(f'class {i // 6}', fontsize=8)
fig.suptitle('synthbirds: four sibling classes (rows), six images each', fontsize=9)
plt.tight_layout(); fig.savefig(out/'synthbirds.png', dpi=80); print('wrote', out/'synthbirds.png')

if '--from-run' in sys.argv:
    run = Path(sys.argv[sys.argv.index('--from-run') + 1])
    shutil.copy(run/'figures'/'accuracy.png', out/'default_run_accuracy.png'); print('wrote', out/'default_run_accuracy.png')
    rep = (run/'report.md').read_text().splitlines()
    print('\n'.join(l for l in rep if l.startswith('|')))
