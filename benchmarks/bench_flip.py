#!/usr/bin/env python
"""The horizontal flip of the recover augmentation, applied after the crop (a torch.where over the batch) against folded
into the crop (the x-axis weights with their rows reversed, `crop_resize(..., flip=flags)`, the same numbers): crop,
flip, roll and a ConvNet-4 (the default teacher) forward+backward on 10 images, one thread, process CPU ms, best of 5
interleaved rounds, at 64 and 128 px.
Usage: python benchmarks/bench_flip.py"""
import torch, torch.nn.functional as F, time
torch.set_num_threads(1)
from fd2dd.core import make_generator
from fd2dd.data.augment import crop_resize, flip, sample_rrc, jitter
from fd2dd.models.backbones import create_model
from fd2dd.squeeze import Teacher, SqueezeConfig
K=10
for S in (64, 128):
    sq=SqueezeConfig()
    net=create_model(sq.arch,K,S,**sq.arch_kwargs)
    t=Teacher(net,[str(k) for k in range(K)],S,[0.5]*3,[0.25]*3,None).eval()
    for p in t.parameters(): p.requires_grad_(False)
    x0,y=torch.randn(K,3,S,S),torch.arange(K)
    boxes=sample_rrc(K,S,S,generator=make_generator(0)); fl=torch.tensor([True,False]*(K//2))
    def old():
        x=x0.clone().requires_grad_(True); F.cross_entropy(t(jitter(flip(crop_resize(x,boxes,S),fl),4,make_generator(0))),y).backward()
    def new():
        x=x0.clone().requires_grad_(True); F.cross_entropy(t(jitter(crop_resize(x,boxes,S,fl),4,make_generator(0))),y).backward()
    def ms(f,n=10):
        f(); a=time.process_time()
        for _ in range(n): f()
        return (time.process_time()-a)/n*1e3
    r={'old':[],'new':[]}
    for _ in range(5):
        r['old'].append(ms(old)); r['new'].append(ms(new))
    print(S, 'px: crop+flip+roll+network fwd+bwd, ms (best of 5 interleaved rounds): flip after the crop', round(min(r['old']),1), '| folded into the crop', round(min(r['new']),1))
