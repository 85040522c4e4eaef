#!/usr/bin/env python
"""Does FD2 change the images? The mechanism behind the quality study's FD2 - SRe2L++ differences.

For one teacher, the training data and several distill seeds, SRe2L++ and FD2 recover from the same real
patches (`recover`, as `fd2dd distill` runs it). On the finished images (no augmentation) it measures:
how far each set moved from its real initialisation and how far FD2's images are from SRe2L++'s (RMS in
grey levels of 0..255); FD2's own objectives under the teacher, the normalised distance d(z, P_y) of each
image's attention-pooled feature to its class prototype and the mean distance to the other prototypes (and the
cosines to them), the mean similarity 1 - d between the attention maps of images of one class (what L_S lowers); and the teacher's
probability of the image's class. Then, on augmented views of the initial and of the finished FD2 images,
the share of each FD2 loss term in the pixel gradient: |grad term| / |grad total|, and the cosine between
the total gradient and the gradient without FD2's two terms (1: they do not turn the step). L_S's earlier maps are
those of the finished FD2 images (image j against images 0..j-1 of its class), at the initial patches too.

Example (the quality study's mechanism section; run from benchmarks/, with the 98.2% test-split teacher that
`python bench_study.py --dataset synthbirds --ipc 3 --out committee ...` trained for the committee cell):
python bench_mechanism.py --teacher committee/synthbirds/teacher-test --ipc 3 --seeds 0 1 2 3 4 --out /tmp/mech \
  --redraw 1000 --key synthbirds/ipc3/default
python bench_mechanism.py --teacher committee/synthbirds/teacher-test --ipc 3 --seeds 0 1 2 3 4 --out /tmp/mech \
  --fd2 '{"lambda_f": 90, "lambda_s": 10}' --key synthbirds/ipc3/x100
python bench_mechanism.py --teacher committee/synthbirds/teacher-test --ipc 3 --seeds 0 1 2 --iterations 1000 \
  --out /tmp/mech --key synthbirds/ipc3/it1000
Recovered sets are kept under --out and reused. The tables and every number go into --json (default
benchmarks/results/mechanism.json, read by nbs/tutorials/quality_study.ipynb) under --key."""
import argparse, hashlib, json
from pathlib import Path
import torch
from common import set_quiet
from fd2dd.core import load_json, make_generator, save_json
from fd2dd.data.augment import random_resized_crop, jitter
from fd2dd.distilled import load_distilled
from fd2dd.losses import BNMatch, norm_dist
from fd2dd.metrics import paired_difference, mean_std
from fd2dd.pipeline import DataConfig, load_data
from fd2dd.squeeze import load_teacher
from fd2dd.synth.recover import RecoverConfig, recover, _initial, _member_terms


def recovered(teacher, train, ipc, cfg, out):
    "Normalised images [K, ipc, 3, S, S] of one recovered set (made once under out)."
    d = out/f'{cfg.method}-{hashlib.sha1(json.dumps(cfg.to_dict(), sort_keys=True).encode()).hexdigest()[:8]}-d{cfg.seed}'
    recover(teacher, train, ipc, cfg, d)
    x = load_distilled(d, teacher.classes)[0].images.float()/255
    return teacher.norm(x).view(len(teacher.classes), ipc, *x.shape[1:])


@torch.no_grad()
def objectives(teacher, x):
    "FD2's objectives and the teacher's confidence on normalised images x [K, ipc, 3, S, S] (no augmentation)."
    K, n = x.shape[:2]
    y = torch.arange(K).repeat_interleave(n)
    o = teacher.forward_all(x.flatten(0, 1))
    z, P = o['cal']['z'][:, None, :], teacher.cal.centers[None]
    d, c = norm_dist(z, P, 'l2'), torch.cosine_similarity(z, P, -1)  # [K*n, K]: L_F's distance (l2, the default) and the cosine
    own, cown = d.gather(1, y[:, None])[:, 0], c.gather(1, y[:, None])[:, 0]
    other, cother = (d.sum(1) - own)/(K - 1), (c.sum(1) - cown)/(K - 1)
    a = o['cal']['attn'].flatten(1).view(K, n, -1)  # each image's M maps as one vector
    sim = 1 - norm_dist(a[:, :, None], a[:, None, :], 'l2')  # [K, n, n]
    off = ~torch.eye(n, dtype=torch.bool)
    return {'d_own': own.mean().item(), 'd_other': other.mean().item(), 'cos_own': cown.mean().item(), 'cos_other': cother.mean().item(),
            'same_class_attention_similarity': sim[:, off].mean().item() if n > 1 else float('nan'),
            'p_class': o['logits'].softmax(1).gather(1, y[:, None]).mean().item()}


def grad_shares(teacher, x, prev_maps, cfg, views=8, seed=0):
    "Mean over augmented views of |grad term| / |grad total| per term, and cos(total, total without L_F and L_S)."
    K, n = x.shape[:2]
    bn = BNMatch([teacher.net, teacher.cal], cfg.first_bn_multiplier)
    g, acc = make_generator(seed), {}
    try:
        for j in range(n):  # image j of every class, with the maps of images 0..j-1 as L_S's earlier maps
            prev = prev_maps[:, :j] if j else None
            for _ in range(views):
                xv = x[:, j].clone().requires_grad_(True)
                xa = jitter(random_resized_crop(xv, scale=cfg.scale, generator=g), cfg.jitter, g)
                terms = _member_terms(teacher, bn, xa, torch.arange(K), cfg, prev, xv.device)
                gs = {k: torch.autograd.grad(v, xv, retain_graph=True)[0].flatten() for k, v in terms.items()}
                tot = sum(gs.values())
                base = tot - sum(gs[k] for k in ('fc', 'sc') if k in gs)
                for k, v in gs.items():
                    acc.setdefault(f'share_{k}', []).append((v.norm()/tot.norm()).item())
                acc.setdefault('cos_without_fd2_terms', []).append(torch.cosine_similarity(tot, base, 0).item())
    finally:
        bn.remove()
    return {k: sum(v)/len(v) for k, v in acc.items()}


def rms(a, b, teacher):
    "RMS difference of two normalised sets in grey levels (0..255)."
    return ((teacher.norm.denorm(a) - teacher.norm.denorm(b))*255).pow(2).mean().sqrt().item()


ROWS = (('rms_from_init', 'RMS change from the initial patches (grey levels)'), ('cos_own', 'cos(z, own prototype)'),
        ('cos_other', 'mean cos(z, other prototypes)'), ('d_own', "L_F's d(z, own prototype)"), ('d_other', "L_F's mean d(z, other prototypes)"),
        ('same_class_attention_similarity', 'same-class attention similarity (1 - d)'), ('p_class', "teacher's p(class)"))
GRADS = (('share_ce', 'CE (backbone and CAL head)'), ('share_bn', 'BN matching'), ('share_fc', 'L_F (characteristic)'),
         ('share_sc', 'L_S (attention similarity)'), ('cos_without_fd2_terms', 'cos(total, total without L_F and L_S)'))


def tables(res, seeds, it):
    "Markdown tables of one recover budget: the images' objectives (mean ± sd over seeds, paired FD2 - SRe2L++) and the gradient shares."
    def col(f): return {s: f(res[f'it{it}/d{s}']) for s in seeds}
    def ms(v):
        m, sd = mean_std(v.values()); return f'{m:.4f} ± {sd:.4f}'
    out = ['| on the finished images | initial patches | SRe2L++ | FD2 | FD2 − SRe2L++ |', '|---|---|---|---|---|']
    for k, name in ROWS:
        init = ms(col(lambda r: r['init'][k])) if k in res[f'it{it}/d{seeds[0]}']['init'] else ''
        s_, f_ = col(lambda r: r['sre2l++'][k]), col(lambda r: r['fd2'][k])
        d = paired_difference(f_, s_)
        dd = f"{d['mean']:+.4f}" + (f" [{d['lo']:+.4f}, {d['hi']:+.4f}]" if d['lo'] is not None else '')
        out.append(f'| {name} | {init} | {ms(s_)} | {ms(f_)} | {dd} |')
    redraw = (f"; between SRe2L++'s and a redraw of them (`aug_seed`): {ms(col(lambda r: r['rms_redraw_vs_sre2l++']))}"
              if 'rms_redraw_vs_sre2l++' in res[f'it{it}/d{seeds[0]}'] else '')
    out += ['', f"RMS between FD2's and SRe2L++'s images: {ms(col(lambda r: r['rms_fd2_vs_sre2l++']))} grey levels{redraw}.", '',
            '| share of the FD2 pixel gradient (\\|grad term\\| / \\|grad total\\|) | at the initial patches | at the finished images |', '|---|---|---|']
    out += [f"| {name} | {ms(col(lambda r: r['grad_init'][k]))} | {ms(col(lambda r: r['grad_final'][k]))} |" for k, name in GRADS]
    return '\n'.join(out)


if __name__ == '__main__':
    p = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    p.add_argument('--teacher', required=True, help='a teacher folder with a CAL head (fd2dd squeeze)')
    p.add_argument('--data', default='{}', help='DataConfig fields as JSON (default: synthbirds, 64 px)')
    p.add_argument('--ipc', type=int, default=3)
    p.add_argument('--seeds', type=int, nargs='+', default=[0, 1, 2])
    p.add_argument('--iterations', type=int, nargs='+', default=[150])
    p.add_argument('--fd2', default='{}', help="FD2's RecoverConfig fields as JSON, e.g. '{\"lambda_f\": 90}' (default: the defaults)")
    p.add_argument('--redraw', type=int, default=0, help='also recover SRe2L++ with this aug_seed and measure how far its images are from the others')
    p.add_argument('--views', type=int, default=8, help='augmented views per image for the gradient shares')
    p.add_argument('--out', type=Path, required=True, help='folder for the recovered sets (reused when run again)')
    p.add_argument('--json', type=Path, default=Path(__file__).parent/'results'/'mechanism.json')
    p.add_argument('--key', help='name of this measurement in --json (default: ipcK/fd2=JSON)')
    a = p.parse_args()
    set_quiet(True); torch.manual_seed(0)
    teacher = load_teacher(a.teacher).eval()
    for q in teacher.parameters(): q.requires_grad_(False)
    train, _ = load_data(DataConfig(**json.loads(a.data)))
    res = {}
    for it in a.iterations:
        for s in a.seeds:
            x0 = _initial(teacher, train, RecoverConfig(method='sre2l++', seed=s), a.ipc, torch.device('cpu'))
            cfg = RecoverConfig(method='fd2', iterations=it, seed=s, **json.loads(a.fd2))
            xs = {'sre2l++': recovered(teacher, train, a.ipc, RecoverConfig(method='sre2l++', iterations=it, seed=s), a.out),
                  'fd2': recovered(teacher, train, a.ipc, cfg, a.out)}
            r = {'init': objectives(teacher, x0)}
            for m, x in xs.items():
                r[m] = {**objectives(teacher, x), 'rms_from_init': rms(x, x0, teacher)}
            r['rms_fd2_vs_sre2l++'] = rms(xs['fd2'], xs['sre2l++'], teacher)
            if a.redraw:  # the same start, other crops and rolls: how far a redraw alone moves SRe2L++'s images
                xr = recovered(teacher, train, a.ipc, RecoverConfig(method='sre2l++', iterations=it, seed=s, aug_seed=a.redraw), a.out)
                r['rms_redraw_vs_sre2l++'] = rms(xr, xs['sre2l++'], teacher)
            with torch.no_grad():
                att = teacher.forward_all(xs['fd2'].flatten(0, 1))['cal']['attn']  # the finished FD2 images' maps
            maps = att.view(*xs['fd2'].shape[:2], *att.shape[1:])  # [K, ipc, M, h, w]
            r['grad_init'] = grad_shares(teacher, x0, maps, cfg, a.views, s)
            r['grad_final'] = grad_shares(teacher, xs['fd2'], maps, cfg, a.views, s)
            res[f'it{it}/d{s}'] = r
            print(f"iterations {it}, distill seed {s}: " + json.dumps(r), flush=True)
    cell = {'teacher': str(a.teacher), 'teacher_acc': teacher.meta.get('test_acc'), 'data': json.loads(a.data), 'ipc': a.ipc,
            'seeds': a.seeds, 'fd2': json.loads(a.fd2), 'runs': res,
            'tables': {str(it): tables(res, a.seeds, it) for it in a.iterations}}
    for it in a.iterations:
        print(f"\n{len(a.seeds)} distill seeds, IPC {a.ipc}, {it} recover iterations, teacher {a.teacher}, FD2 {a.fd2} "
              f"(mean ± sd over seeds; paired FD2 - SRe2L++ with 95% t intervals)\n\n{cell['tables'][str(it)]}")
    summ = load_json(a.json) if a.json.exists() else {}
    summ[a.key or f'ipc{a.ipc}/fd2={a.fd2}'] = cell
    save_json(summ, a.json)
