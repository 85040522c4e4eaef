#!/usr/bin/env python
"""How alike the key patches of a class are: for each variant of a study cell whose images are f x f grids, every
cell of every image is zero-padded to the teacher's size (as RDED and FocusDD score them), passed through the
teacher, and its pooled feature compared by cosine with the other cells of its class (mean over pairs; lower means
the class's patches show the student more different things). Mean ± sd over the cell's distill seeds.

Example (the FocusDD cell of the quality study, run from benchmarks/):
python bench_diversity.py --cell focus/flowers12/ipc3-val --teacher focus/flowers12/teacher-val --variants focusdd-g0,rded-f2-w50-n1,rded-f2-w50"""
import argparse
from pathlib import Path
import torch, torch.nn.functional as F
from common import set_quiet
from fd2dd.distilled import load_distilled
from fd2dd.squeeze import load_teacher
from fd2dd.synth.select import pad_center


@torch.no_grad()
def cell_similarity(teacher, x: torch.Tensor, y: torch.Tensor, f: int) -> float:
    "Mean over classes of the mean pairwise cosine of the teacher's pooled features of the f x f cells of x [N,3,S,S] in [0,1]."
    S = x.shape[-1]; s = S // f
    cells = x.unfold(2, s, s).unfold(3, s, s).permute(0, 2, 3, 1, 4, 5).reshape(-1, 3, s, s)   # [N*f*f, 3, s, s]
    lab = y.repeat_interleave(f * f)
    z = F.normalize(teacher.forward_all(pad_center(teacher.norm(cells), teacher.size))['fmap'].mean((2, 3)), dim=1)
    sims = []
    for c in lab.unique():
        zc = z[lab == c]; n = len(zc)
        sims.append(((zc @ zc.T).sum() - n) / (n * (n - 1)))   # off-diagonal mean
    return torch.stack(sims).mean().item()


if __name__ == '__main__':
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--cell', required=True, help="a study cell's folder (holding distilled/<variant>/seed<d>)")
    ap.add_argument('--teacher', required=True, help="the cell's teacher folder (holding teacher.pt)")
    ap.add_argument('--variants', required=True)
    ap.add_argument('--factor', type=int, default=2, help='cells per side of each image')
    a = ap.parse_args(); set_quiet(True)
    teacher = load_teacher(Path(a.teacher)).eval().to('cpu')
    for v in a.variants.split(','):
        vals = []
        for d in sorted((Path(a.cell) / 'distilled' / v).glob('seed*')):
            data, _ = load_distilled(d, classes=teacher.classes)
            vals.append(cell_similarity(teacher, data.images.float() / 255, data.labels, a.factor))
        t = torch.tensor(vals)
        print(f"{v:16s} same-class cell cosine {t.mean():.3f} ± {t.std():.3f} (seeds: {', '.join(f'{x:.3f}' for x in vals)})", flush=True)
