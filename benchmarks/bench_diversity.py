#!/usr/bin/env python
"""How alike and how easy the key patches of a class are: for each variant of a study cell whose images are f x f
grids, every cell of every image is zero-padded to the teacher's size (as RDED and FocusDD score them) and passed
through the teacher; its pooled feature is compared by cosine with the other cells of its class (mean over pairs;
lower means the class's patches show the student more different things), and the teacher's probability of the class
and the entropy of its softmax (nats) say how easy the cell is. Mean ± sd over the cell's distill seeds.

Example (the FocusDD cell of the quality study, run from benchmarks/):
python bench_diversity.py --cell focus/flowers12/ipc3-val --teacher focus/flowers12/teacher-val --variants focusdd-g0,rded-f2-w50-n1,rded-f2-w50

With --places DATASET (and --split and --ipc as the cell's), it also says where each attention source puts FocusDD's key
window (half the side, as in the variants without a global view) on the class pools of that dataset's training images,
and, for a source given as SOURCE=VARIANT, on the windows that variant's set holds (its seed0 cells, matched to the pool's
windows): the mean offset of the window's centre from the image's centre (as a fraction of the span the window can move
over; 0.47 for uniform places on a 5x5 lattice), the entropy of the positions over the teacher map's possible places (1 = spread
evenly over them), and the share of a class's windows at its most common place. Uniformly random places on the same
lattice, as many as a pool and as a set hold, are the reference row.
python bench_diversity.py --cell focus/flowers12/ipc3-val --teacher focus/flowers12/teacher-val --variants focusdd-g0 \
  --places flowers12 --split val --sources cal=focusdd-g0,cam=focusdd-cam-g0,feature=focusdd-feat-g0"""
import argparse
from pathlib import Path
import torch, torch.nn.functional as F
from common import set_quiet
from fd2dd.data.augment import crop_resize
from fd2dd.distilled import load_distilled
from fd2dd.squeeze import load_teacher
from fd2dd.synth.select import FocusConfig, attention_maps, focusdd_select, pad_center


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


def place_stats(pos: torch.Tensor, n_pos: int) -> tuple[float, float, float]:
    "For window positions pos [n,2] (top-left, in attention cells, 0..n_pos-1): mean distance of the window's centre from the image's centre as a fraction of the span of places (0 to 0.71), normalised entropy of the positions, share at the modal position."
    counts = torch.bincount(pos[:, 0] * n_pos + pos[:, 1], minlength=n_pos * n_pos).float()
    p = counts[counts > 0] / counts.sum()
    ent = (-(p * p.log()).sum() / torch.log(torch.tensor(float(n_pos * n_pos)))).item() if n_pos > 1 else 1.0
    off = (pos.float() - (n_pos - 1) / 2) / max(n_pos - 1, 1)      # -0.5..0.5 of the span of places
    return off.norm(dim=1).mean().item(), ent, (counts.max() / counts.sum()).item()


def places(teacher, data, sources: dict, cell_dir: Path | None = None, ipc: int = 3, seed: int = 0):
    """Print, per attention source, where FocusDD's key window (half the side, no global view) sits over every class pool, and
    over the windows a set of the cell actually holds (`sources` maps a source to its variant; its seed0 set's cells are
    matched to the pool's windows), beside uniformly random places on the same lattice."""
    S = data.size
    g = attention_maps('feature', teacher, teacher.norm(data.images[:1].float() / 255)).shape[-1]   # the teacher's map side
    cell, k = S / g, max(1, round(g / 2)); n_pos = g - k + 1; s = S // 2
    boxes = None
    for src in list(sources) + ['random']:
        pool, kept = [], []
        if src != 'random' or boxes is None:   # the random reference needs only the pools' sizes: the last source's boxes
            _, _, boxes = focusdd_select(teacher, data, ipc, FocusConfig(attention=src if src != 'random' else 'cal', n_global=0), return_boxes=True)
        held = None
        if src != 'random' and sources.get(src) and cell_dir is not None:
            held, _ = load_distilled(cell_dir / 'distilled' / sources[src] / 'seed0', classes=teacher.classes)
        for c, (idx, bx) in boxes.items():
            pos = torch.stack([bx[:, 1], bx[:, 0]], 1).div(cell).round().long()    # (row, col) of the top-left cell
            if src == 'random': pos = torch.randint(0, n_pos, pos.shape, generator=torch.Generator().manual_seed(seed + c))
            pool.append(place_stats(pos, n_pos))
            if src == 'random': kept.append(place_stats(pos[:ipc * 4], n_pos))   # as many random places as a set holds (2x2, no global view)
            if held is not None:   # which pool windows are the set's cells: exact crops, so the nearest crop is the one
                crops = crop_resize(data.images[idx].float() / 255, bx, s).mul(255).flatten(1)   # as focusdd_select cut them
                xc = held.images[held.labels == c].float()
                cells = xc.unfold(2, s, s).unfold(3, s, s).permute(0, 2, 3, 1, 4, 5).reshape(-1, 3 * s * s)
                dist = torch.cdist(cells, crops)
                if dist.amin(1).max() > 0.51 * crops.shape[1] ** 0.5:   # every cell is a pool window up to the PNG's rounding
                    raise ValueError(f"{sources[src]}: a cell of class {c} is no window of the pool; was the set made with window 0.5 and this teacher?")
                kept.append(place_stats(pos[dist.argmin(1)], n_pos))
        line = f"places {src:8s} {n_pos}x{n_pos} places of a half-side window; over the class pools: " + _place_line(pool)
        print(line + (f"; over the set's {ipc * 4} cells a class: " + _place_line(kept) if kept else ''), flush=True)


def _place_line(stats: list) -> str:
    d, e, m = (sum(x[j] for x in stats) / len(stats) for j in range(3))
    return f"centre offset {d:.3f}, position entropy {e:.2f}, share at the modal place {m:.2f}"


if __name__ == '__main__':
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--cell', required=True, help="a study cell's folder (holding distilled/<variant>/seed<d>)")
    ap.add_argument('--teacher', required=True, help="the cell's teacher folder (holding teacher.pt)")
    ap.add_argument('--variants', required=True)
    ap.add_argument('--factor', type=int, default=2, help='cells per side of each image')
    ap.add_argument('--places', help="a bench_study dataset: also say where each attention source puts the key window on its training images")
    ap.add_argument('--split', default='test', choices=['val', 'test'], help="the cell's split (val: the training images less 20%%)")
    ap.add_argument('--ipc', type=int, default=3, help="the cell's images per class (for --places)")
    ap.add_argument('--sources', default='cal=focusdd-g0,cam,feature', help="attention sources for --places; SOURCE=VARIANT also matches that variant's seed0 set to the windows")
    a = ap.parse_args(); set_quiet(True)
    teacher = load_teacher(Path(a.teacher)).eval().to('cpu')
    if a.places:
        from bench_study import DATASETS
        from fd2dd.pipeline import load_data
        dc = DATASETS[a.places].replace(val_fraction=0.2 if a.split == 'val' else 0.0)
        places(teacher, load_data(dc)[0], dict((x.split('=') + [None])[:2] for x in a.sources.split(',')), Path(a.cell), a.ipc)
    for v in a.variants.split(','):
        vals = []
        for d in sorted((Path(a.cell) / 'distilled' / v).glob('seed*')):
            data, _ = load_distilled(d, classes=teacher.classes)
            vals.append(cell_stats(teacher, data.images.float() / 255, data.labels, a.factor))
        t = torch.tensor(vals)
        print(f"{v:16s} same-class cell cosine {t[:, 0].mean():.3f} ± {t[:, 0].std():.3f} (seeds: {', '.join(f'{x:.3f}' for x in t[:, 0])}); "
              f"teacher's p(class) {t[:, 1].mean():.3f} ± {t[:, 1].std():.3f}; entropy {t[:, 2].mean():.3f} ± {t[:, 2].std():.3f} nats", flush=True)
