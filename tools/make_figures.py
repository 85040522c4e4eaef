#!/usr/bin/env python
"Make the figures the README and notebooks show (run from the repository root)."
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
