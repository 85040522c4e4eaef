#!/usr/bin/env python
"""The quality study: every method against random real images and SRe2L++ under the paired-seed
protocol, per dataset and IPC. For each (dataset, IPC) it trains one teacher (cached), distils one set
per method and seed, trains one student per set, and writes results.json and a markdown table with
mean ± sd and the paired differences (95% t intervals) into OUT/<dataset>/ipc<k>/. Re-running reuses
everything already written (a killed study resumes).

--split val trains the teacher on train minus 20% and evaluates on that validation split (for
choosing settings); --split test (default) trains on all of train and reports on the test split.
Datasets: synthbirds (embedded), flowers12 and cifar10-mini (../shared/data, skipped when absent).
Variants: random, rded, sre2l++, fd2, fd2-noLF (lambda_f = 0), fd2-noLS (lambda_s = 0), focusdd
(CAL attention: a ViT observer trained from scratch on these CPU budgets carries no signal), rded-f2
(RDED's crops in FocusDD's 2x2 layout: the control that separates FocusDD's layout from its choice of
patches), fadrm+ and fadrm+fd2 (FADRM+'s schedule; with --set 'recover.teachers=[...]' a committee);
--variant NAME=METHOD:JSON adds others.

Example: python benchmarks/bench_study.py --dataset synthbirds --ipc 1 3 5 --seeds 0,1,2 --out study"""
import argparse, json, shutil, time
from pathlib import Path
import torch
from common import set_quiet
from fd2dd.core import save_json, load_json
from fd2dd.pipeline import RunConfig, DataConfig, load_data, distill, evaluate, summarize, get_committee, _ci, _pairs, BASELINES
from fd2dd.squeeze import train_teacher, load_teacher
from fd2dd.metrics import paired_difference

SHARED = Path(__file__).resolve().parents[2]/'shared'/'data'
DATASETS = {'synthbirds': DataConfig(), 'flowers12': DataConfig(name='imagefolder', root=str(SHARED/'flowers12')),
            'cifar10-mini': DataConfig(name='imagefolder', root=str(SHARED/'cifar10-mini'), size=32)}
SQUEEZE = {'flowers12': dict(epochs=30, cal_start=20)}    # 720 training images: more epochs than synthbirds' 3000
VARIANTS = {'random': ('random', {}), 'rded': ('rded', {}), 'sre2l++': ('sre2l++', {}), 'fd2': ('fd2', {}),
            'fd2-noLF': ('fd2', {'lambda_f': 0.0}), 'fd2-noLS': ('fd2', {'lambda_s': 0.0}),
            'focusdd': ('focusdd', {'attention': 'cal'}), 'rded-f2': ('rded', {'factor': 2}),
            'fadrm+': ('fadrm+', {}), 'fadrm+fd2': ('fadrm+fd2', {})}   # rded-f2: FocusDD's 2x2 layout, RDED's choice of crops
ABLATIONS = {'fd2': ('fd2-noLF', 'fd2-noLS'), 'focusdd': ('rded', 'rded-f2'), 'rded-f2': ('rded',), 'fadrm+fd2': ('fadrm+',)}   # the controls of each variant

def variant_cfg(cfg:RunConfig, v:str)->RunConfig:
    m, kw = VARIANTS[v]; kw = {k: tuple(x) if isinstance(x, list) else x for k, x in kw.items()}   # JSON lists are config tuples
    if m == 'focusdd': return cfg.replace(focus=cfg.focus.replace(**kw))
    if m == 'rded': return cfg.replace(rded=cfg.rded.replace(**kw))
    return cfg.replace(recover=cfg.recover.replace(**kw)) if kw else cfg

def study(dataset:str, ipc:int, variants:list, seeds:list, out:Path, split:str='test', cfg:RunConfig|None=None)->dict:
    "Run (or resume) one (dataset, IPC) cell of the study; returns its results dict."
    dc = DATASETS[dataset].replace(val_fraction=0.2 if split == 'val' else 0.0)
    cfg = (cfg or RunConfig()).replace(data=dc, ipc=ipc, seeds=seeds)
    if dataset in SQUEEZE: cfg = cfg.replace(squeeze=cfg.squeeze.replace(**SQUEEZE[dataset]))
    if split == 'val': tr, ev, _ = load_data(dc, return_val=True)
    else: tr, ev = load_data(dc)
    tdir = out/dataset/f'teacher-{split}'
    teacher = load_teacher(tdir) if (tdir/'teacher.pt').exists() else train_teacher(cfg.squeeze, tr, ev, tdir, dataset)
    cell = out/dataset/f'ipc{ipc}-{split}'; res = {'dataset': dataset, 'ipc': ipc, 'split': split, 'seeds': seeds,
        'teacher_acc': teacher.meta['test_acc'], 'config': cfg.to_dict(), 'variants': {}}
    if getattr(ev, 'masks', None) is not None and teacher.cal is not None:   # synthbirds: where the teacher's attention falls
        from bench_teacher_attention import attention_share
        share, area = attention_share(teacher, ev), ev.masks[:, -1].float().mean().item()
        res['teacher_attention'] = {'on_parts': share, 'uniform': area, 'x_uniform': share / area}
        print(f"  teacher: top-1 {teacher.meta['test_acc']*100:.1f}%, attention on parts {share*100:.2f}% = {share/area:.1f}x uniform", flush=True)
    committee = get_committee(cfg, out/dataset/f'committee-{split}', tr, ev) if cfg.recover.teachers else []   # recover.teachers: a committee
    if committee: res['committee'] = [{'arch': t.net.arch, 'test_acc': t.meta.get('test_acc')} for t in committee]
    old = load_json(cell/'results.json')['variants'] if (cell/'results.json').exists() else {}
    for v in variants:
        vc = variant_cfg(cfg, v); m = VARIANTS[v][0]; runs = []; t0 = time.time()
        for d, s in vc.runs():
            dd, ej = cell/'distilled'/v/f'seed{d}', cell/'eval'/f'{v}-d{d}-s{s}.json'
            if not ej.exists():   # an evaluated run is reused as it is, its set not re-made (an fd2dd with newer config fields refuses older sets)
                dd = distill(m, teacher, tr, ipc, dd, vc, tdir/'teacher.pt', None, seed=d, committee=committee)
            r = evaluate(dd, teacher, ev, vc.train, s, ej, vc.device)
            runs.append({'distill_seed': d, 'seed': s, 'final': r['final_acc'], 'avg': r['avg_acc'], 'best': r['best_acc']})
        secs = round(time.time() - t0, 1)
        if secs < 1 and v in old: secs = old[v].get('seconds', secs)      # every run reused: keep the time it took when it ran
        res['variants'][v] = {**summarize(runs), 'runs': runs, 'seconds': secs}
        print(f"  {dataset} IPC {ipc} {v:9s} {res['variants'][v]['avg_mean']*100:5.1f} ± {res['variants'][v]['avg_std']*100:.1f}", flush=True)
    V = res['variants']
    for v, r in V.items():
        refs = [b for b in BASELINES if b in V and b != v] + [a for a in ABLATIONS.get(v, ()) if a in V]
        r['vs'] = {b: paired_difference(_pairs(r['runs']), _pairs(V[b]['runs'])) for b in refs}
    save_json(res, cell/'results.json'); (cell/'table.md').write_text(table(res)); return res

def table(res:dict)->str:
    "Markdown rows: variant | top-1 mean ± sd | vs random | vs SRe2L++ | vs ablations."
    lines = [f"{res['dataset']}, IPC {res['ipc']} ({res['split']} split; teacher {res['teacher_acc']*100:.1f}%; n = {len(res['seeds'])} paired seeds)", "",
             "| method | top-1 (%) | vs random real | vs SRe2L++ | vs its controls |", "|---|---|---|---|---|"]
    for v, r in res['variants'].items():
        vs = r['vs']; ctl = '; '.join(f"{c} {_ci(vs[c])}" for c in ABLATIONS.get(v, ()) if c in vs)
        lines.append(f"| {v} | {r['avg_mean']*100:.1f} ± {r['avg_std']*100:.1f} | {_ci(vs.get('random'))} | {_ci(vs.get('sre2l++'))} | {ctl} |")
    return '\n'.join(lines) + '\n'

if __name__ == '__main__':
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--dataset', nargs='+', default=['synthbirds'], choices=list(DATASETS))
    ap.add_argument('--ipc', nargs='+', type=int, default=[1, 3, 5])
    ap.add_argument('--methods', default=','.join(VARIANTS))
    ap.add_argument('--seeds', default='0,1,2')
    ap.add_argument('--split', default='test', choices=['val', 'test'])
    ap.add_argument('--set', action='append', default=[], metavar='KEY=VALUE', help='RunConfig override, as in `fd2dd run --set`')
    ap.add_argument('--variant', action='append', default=[], metavar='NAME=METHOD:JSON',
                    help='an extra variant, e.g. fd2-lf3=fd2:{"lambda_f": 3, "lambda_s": 0} (recover fields; focusdd: FocusConfig, rded: RDEDConfig fields)')
    ap.add_argument('--control', action='append', default=[], metavar='NAME=REF,REF',
                    help="more controls of a variant for the table's last column, e.g. fd2-x100=fd2 (beside the baselines random and sre2l++)")
    ap.add_argument('--out', default='study')
    ap.add_argument('--key', help='name of the cell in --summary (default: dataset/ipcK/split)')
    ap.add_argument('--summary', default=str(Path(__file__).parent/'results'/'study.json'),
                    help='JSON file that collects every cell (read by nbs/tutorials/quality_study.ipynb and BENCHMARKS.md)')
    a = ap.parse_args()
    from fd2dd.cli import _set
    from fd2dd.core import yaml_load
    base = RunConfig()
    for spec in a.variant:
        name, rest = spec.split('=', 1); m, kw = rest.split(':', 1); VARIANTS[name] = (m, json.loads(kw))
    for spec in a.control:
        name, refs = spec.split('=', 1); ABLATIONS[name] = (*ABLATIONS.get(name, ()), *refs.split(','))
    for kv in a.set: k, v = kv.split('=', 1); _set(base, k, yaml_load(v))
    for ds in a.dataset:
        if DATASETS[ds].root and not Path(DATASETS[ds].root).exists(): print(f'{ds}: {DATASETS[ds].root} not found, skipped'); continue
        for k in a.ipc:
            r = study(ds, k, a.methods.split(','), [int(s) for s in a.seeds.split(',')], Path(a.out), a.split, base)
            print(table(r), flush=True)
            summ = load_json(a.summary) if Path(a.summary).exists() else {}
            summ[a.key or f"{ds}/ipc{k}/{a.split}"] = {kk: r[kk] for kk in ('dataset', 'ipc', 'split', 'seeds', 'teacher_acc', 'teacher_attention', 'committee', 'variants', 'config') if kk in r}
            save_json(summ, a.summary)
