#!/usr/bin/env python
"""Candidate crops scored per second against the observer's bare forward throughput on the same batch,
and the wall time of building synthbirds IPC 10 with RDED and with FocusDD (teacher excluded)."""
import time, torch
from common import default_data, default_teacher, default_observer, timeit
from fd2dd.synth.select import score_crops, rded_select, focusdd_select, RDEDConfig, FocusConfig

train, test = default_data(); teacher = default_teacher(train, test).eval()
t0 = time.time(); observer = default_observer(train, test)
print(f"ViT-Tiny observer (default RunConfig.observer): test accuracy {observer.meta['test_acc']:.3f} (trained or loaded in {time.time() - t0:.0f}s, excluded below)")
x = teacher.norm(train.images[:256]); y = train.labels[:256]
def fwd():
    with torch.no_grad(), torch.autocast('cpu', dtype=torch.bfloat16): teacher(x)
t_fwd = timeit(fwd, 5, 2); t_sc = timeit(lambda: score_crops(teacher, x, y), 5, 2)
print(f'bare forward: {256/t_fwd:.0f} images/s; score_crops: {256/t_sc:.0f} crops/s ({t_fwd/t_sc:.2f} of bare)')
for name, f in [('RDED (f=1)', lambda: rded_select(teacher, train, 10, RDEDConfig())),
                ('RDED (f=2)', lambda: rded_select(teacher, train, 10, RDEDConfig(factor=2))),
                ('FocusDD (CAL attention)', lambda: focusdd_select(teacher, train, 10, FocusConfig(attention='cal'))),
                ('FocusDD (ViT attention, the default)', lambda: focusdd_select(teacher, train, 10, FocusConfig(), observer=observer))]:
    t = time.perf_counter(); out = f(); print(f'{name}: {train.num_classes} classes, IPC 10: {time.perf_counter() - t:.1f}s')
