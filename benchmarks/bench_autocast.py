#!/usr/bin/env python
"Training and forward images/second of the default networks with and without bf16 autocast on this CPU."
import torch, torch.nn.functional as F
from common import timeit
from fd2dd.core import cpu_has_bf16
from fd2dd.models.backbones import create_model
print('native bf16 on this CPU:', cpu_has_bf16())
for arch, size, kw in [('convnet4', 64, {'width': 32}), ('convnet', 32, {'width': 128}), ('resnet18', 32, {})]:
    net = create_model(arch, 10, size, **kw); x = torch.randn(128, 3, size, size); y = torch.randint(0, 10, (128,))
    opt = torch.optim.SGD(net.parameters(), lr=0.01)
    for amp in (False, True):
        def step():
            with torch.autocast('cpu', dtype=torch.bfloat16, enabled=amp): loss = F.cross_entropy(net(x), y)
            opt.zero_grad(); loss.backward(); opt.step()
        def fwd():
            with torch.no_grad(), torch.autocast('cpu', dtype=torch.bfloat16, enabled=amp): net(x)
        print(f'{arch:9s} {size} px bf16={amp!s:5s}: train {128/timeit(step, 3, 1):6.0f} img/s, forward {128/timeit(fwd, 3, 1):6.0f} img/s')
