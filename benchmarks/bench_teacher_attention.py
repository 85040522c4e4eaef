#!/usr/bin/env python
"""Teachers for FD2: validation accuracy and how much of the CAL attention falls on synthbirds'
discriminative parts, for several teacher settings. Each teacher is trained on synthbirds' train split
minus a 20% validation split and measured on the validation split (the test split is not used). Each
argument is a JSON dict of SqueezeConfig fields; arch_kwargs merge into the default ones.
The trained teachers are cached under FD2DD_BENCH_CACHE/teachers_val/<hash of the JSON>.
Example (the rows of 03_squeeze's table): python benchmarks/bench_teacher_attention.py
'{"epochs": 12, "cal_start": 8, "arch_kwargs": {"pool_last": true}}' '{"epochs": 12, "cal_start": 8}'
'{"epochs": 12, "cal_start": 4}' '{"epochs": 12, "cal_start": 8, "M": 4}' '{}'"""
import sys, json, time, hashlib
import torch
from common import CACHE
from fd2dd.pipeline import DataConfig, load_data
from fd2dd.squeeze import SqueezeConfig, train_teacher, load_teacher
from fd2dd.models.attention import cal_attention
from fd2dd.metrics import attention_on_part

def teacher_name(spec:str)->str: return hashlib.sha1(json.dumps(json.loads(spec), sort_keys=True).encode()).hexdigest()[:8]

def get_teacher(spec:str, train, val):
    a = json.loads(spec); kw = {**SqueezeConfig().arch_kwargs, **a.pop('arch_kwargs', {})}
    d = CACHE/'teachers_val'/teacher_name(spec)
    if (d/'teacher.pt').exists(): return load_teacher(d), 0.0
    t0 = time.time(); t = train_teacher(SqueezeConfig(arch_kwargs=kw, **a), train, val, d, 'synthbirds'); return t, time.time() - t0

@torch.no_grad()
def attention_share(t, data)->float:
    "Mean share of the CAL attention mass (mean of the M maps) inside the discriminative-part masks."
    o = t.forward_all(t.norm(data.images)); return attention_on_part(cal_attention(o['cal']['attn']), data.masks[:, -1]).mean().item()

if __name__ == '__main__':
    train, val, _ = load_data(DataConfig(val_fraction=0.2), return_val=True)
    area = val.masks[:, -1].float().mean().item()
    print(f"synthbirds validation split: {len(val)} images; discriminative parts cover {area*100:.2f}% of the pixels (= uniform attention's share)")
    for spec in sys.argv[1:] or ['{}']:
        t, secs = get_teacher(spec, train, val)
        share = attention_share(t, val)
        print(f"{spec} [{teacher_name(spec)}]: validation top-1 {t.meta['test_acc']*100:.1f}%, attention on parts {share*100:.2f}% "
              f"= {share/area:.1f}x uniform, fmap {t.net(t.norm(val.images[:1]), features=True)[1].shape[-1]}px, trained in {secs:.0f}s", flush=True)
