"Shared pytest setup: offline hubs, quiet bars, one torch thread per xdist worker."
import os
os.environ.setdefault('HF_HUB_OFFLINE', '1')
os.environ.setdefault('FD2DD_QUIET', '1')
os.environ.setdefault('MPLBACKEND', 'Agg')
if os.environ.get('PYTEST_XDIST_WORKER'):
    import torch
    torch.set_num_threads(1)
