#!/usr/bin/env python
"""How alike and how easy the key patches of a class are: for each variant of a study cell whose images are f x f
grids, every cell of every image is zero-padded to the teacher's size (as RDED and FocusDD score them) and passed
through the teacher; its pooled feature is compared by cosine with the other cells of its class (mean over pairs;
lower means the class's patches show the student more different things), and the teacher's probability of the class
and the entropy of its softmax (nats) say how easy the cell is. Mean ± sd over the cell's distill seeds.

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
def cell_stats(teacher, x: torch.Tensor, y: torch.Tensor, f: int) -> tuple[float, float, float]:
    "Mean over classes of the mean pairwise cosine of the teacher's pooled features of the f x f cells of x [N,3,S,S] in [0,1]; the cells' mean p(class) and softmax entropy."
    S = x.shape[-1]; s = S // f
    cells = x.unfold(2, s, s).unfold(3, s, s).permute(0, 2, 3, 1, 4, 5).reshape(-1, 3, s, s)   # [N*f*f, 3, s, s]
    lab = y.repeat_interleave(f * f)
    o = teacher.forward_all(pad_center(teacher.norm(cells), teacher.size))
    z = F.normalize(o['fmap'].mean((2, 3)), dim=1); prob = o['logits'].float().softmax(1)
    sims = []
    for c in lab.unique():
        zc = z[lab == c]; n = len(zc)
        sims.append(((zc @ zc.T).sum() - n) / (n * (n - 1)))   # off-diagonal mean
    ent = -(prob * prob.clamp_min(1e-12).log()).sum(1)
    return torch.stack(sims).mean().item(), prob.gather(1, lab[:, None]).mean().item(), ent.mean().item()


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
            vals.append(cell_stats(teacher, data.images.float() / 255, data.labels, a.factor))
        t = torch.tensor(vals)
        print(f"{v:16s} same-class cell cosine {t[:, 0].mean():.3f} ± {t[:, 0].std():.3f} (seeds: {', '.join(f'{x:.3f}' for x in t[:, 0])}); "
              f"teacher's p(class) {t[:, 1].mean():.3f} ± {t[:, 1].std():.3f}; entropy {t[:, 2].mean():.3f} ± {t[:, 2].std():.3f} nats", flush=True)
