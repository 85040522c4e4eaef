#!/usr/bin/env python
"""Every stage's step against its floor on this machine, and fd2dd's FD2 recover step against the official code's.

Floors (the networks' own work, nothing else), per architecture and input size:
- recover: one bare forward+backward of the teacher's backbone to the pixels of the same batch; fd2dd's
  `recover_batch` steps of SRe2L, SRe2L++, CDA and FD2 (CAL head, J earlier maps per class) against it;
- relabel: one bare eval forward of the teacher; fd2dd's `teacher_logits` (normalisation, autocast) against it;
- teacher: one bare training step (forward, CE, backward, SGD) of the backbone; fd2dd's `TeacherStep` without
  and with CAL (CAL adds one more backbone pass on twice the images, its crops and drops: 3 passes' worth);
- student: `bench_floors.py` (fd2dd's `train_student` against the teacher forward plus the student's step);
- crop: fd2dd's crop-and-resize against torchvision's `roi_align`, which computes the same numbers.
With `--ref PATH` (a folder holding the .py files of `Guang000/FD2`, e.g. written with `git show HEAD:path`) it
also runs the official recover step on the same settings (torchvision ResNet-18, its CAL head, hooks and losses,
one image per class) and checks, in fp32 on the same inputs, that fd2dd's loss terms equal the reference's.
Nothing of the official code is copied here: it is imported from PATH.

Times are process CPU time per step, one thread by default (steadier than wall time on a shared machine), the
best of `--rounds` interleaved rounds. Ratios above 1 are the cost of everything that is not the network.
Usage: python benchmarks/bench_speed.py [--arch convnet4 resnet18] [--size 32 64 128] [--ref PATH]
       [--ref-size 128] [--amp] [--classes 10] [--steps 5] [--rounds 3] [--threads 1] [--parts] [--compile]
       [--stages crop recover relabel teacher]"""
import argparse, random, sys, time, types
import torch, torch.nn as nn, torch.nn.functional as F
from fd2dd.core import cpu_has_bf16, make_generator, set_quiet, tune_malloc
from fd2dd.data.augment import crop_resize, jitter, random_resized_crop, sample_rrc
from fd2dd.losses import BNMatch, attention_similarity_loss, characteristic_loss
from fd2dd.models.backbones import create_model
from fd2dd.models.cal import CALHead
from fd2dd.squeeze import SqueezeConfig, Teacher, TeacherStep
from fd2dd.synth.recover import RecoverConfig, recover_batch
from fd2dd.train import teacher_logits

ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
ap.add_argument('--arch', nargs='+', default=['convnet4', 'resnet18'])
ap.add_argument('--size', nargs='+', type=int, default=[32, 64, 128])
ap.add_argument('--classes', type=int, default=10, help='batch = one image per class')
ap.add_argument('--M', type=int, default=8)
ap.add_argument('--prev', type=int, default=4, help="FD2: earlier maps per class")
ap.add_argument('--steps', type=int, default=5)
ap.add_argument('--rounds', type=int, default=3)
ap.add_argument('--threads', type=int, default=1)
ap.add_argument('--stages', nargs='+', default=['crop', 'recover', 'relabel', 'teacher'])
ap.add_argument('--compile', action='store_true', help="recover: also time recover.compile=True (SRe2L, FD2) against the compiled bare step")
ap.add_argument('--parts', action='store_true', help='recover: time the bare step plus each piece (augment, BN hooks, Adam)')
ap.add_argument('--ref', help='folder with the official FD2 code (Guang000/FD2)')
ap.add_argument('--ref-size', type=int, nargs='+', default=[128])
ap.add_argument('--amp', action='store_true',
                help="with --ref: also time fd2dd's FD2 and SRe2L steps and the bare network under bf16 autocast "
                     "(`recover.amp='on'`; pays only on a CPU with native bf16, which the output says)")
a = ap.parse_args()
torch.set_num_threads(a.threads); set_quiet(True)
tune_malloc()   # as fd2dd's stages do: glibc's malloc as it comes unless FD2DD_MALLOC=<MB> is set
K, M, J = a.classes, a.M, a.prev
MEAN, STD = [0.485, 0.456, 0.406], [0.229, 0.224, 0.225]
TKW = {'convnet4': SqueezeConfig().arch_kwargs}                   # the default teacher's ConvNet-4 (8x8 maps)


def cpu_ms(f, n):
    "Process CPU ms per call of f, after one warm-up call."
    f()
    t0 = time.process_time()
    for _ in range(n): f()
    return (time.process_time() - t0) / n * 1e3


def best(fns: dict) -> dict:
    "Best of a.rounds interleaved rounds, ms per step, for each named function (f, steps it runs per call)."
    res = {k: [] for k in fns}
    for _ in range(a.rounds):
        for k, (f, per) in fns.items(): res[k].append(cpu_ms(f, 1) / per)
    return {k: min(v) for k, v in res.items()}


def make_teacher(arch, S):
    net = create_model(arch, K, S, **TKW.get(arch, {}))
    cal = CALHead(net.num_features, K, M)
    cal.centers.copy_(F.normalize(torch.randn(K, M * net.num_features), dim=-1) * 0.05)
    return Teacher(net, [str(i) for i in range(K)], S, MEAN, STD, cal).eval()


def frozen_teacher(arch, S):
    "A teacher with frozen weights and J earlier CAL maps per class [K, J, M, h, w]."
    t = make_teacher(arch, S)
    for p in t.parameters(): p.requires_grad_(False)
    with torch.no_grad():
        prev = t.forward_all(torch.randn(K * J, 3, S, S))['cal']['attn']
    return t, prev.view(K, J, *prev.shape[1:])


def bare_steps(net, x0, y):
    "The recover floor: a.steps bare forward+backward passes of net to the pixels of x0."
    def f():
        for _ in range(a.steps):
            x = x0.clone().requires_grad_(True)
            F.cross_entropy(net(x), y).backward()
    return f


def row(name, times, floor_key):
    fl = times[floor_key]
    print(f"  {name:34s} " + '  '.join(f"{k} {v:8.1f} ms (x{v / fl:4.2f})" if k != floor_key else f"{k} {v:8.1f} ms"
                                         for k, v in times.items()), flush=True)


def recover_rows(arch, S):
    t, prev = frozen_teacher(arch, S)
    x0, y = torch.randn(K, 3, S, S), torch.arange(K)
    bare = bare_steps(t.net, x0, y)

    def ours(m):
        cfg = RecoverConfig(method=m, iterations=a.steps, device='cpu', amp='off')   # fp32, as the floor
        return lambda: recover_batch(t, x0, y, cfg, prev if m == 'fd2' else None, make_generator(0))

    fns = {'bare': (bare, a.steps), **{m: (ours(m), a.steps) for m in ('sre2l', 'sre2l++', 'cda', 'fd2')}}
    row(f"recover {arch} {S}px batch {K}", best(fns), 'bare')
    if a.compile:   # torch.compile: the first call compiles (wall seconds printed); then the steps against both floors
        cnet = torch.compile(t.net)
        def ours_c(m):
            cfg = RecoverConfig(method=m, iterations=a.steps, device='cpu', compile=True, amp='off')
            return lambda: recover_batch(t, x0, y, cfg, prev if m == 'fd2' else None, make_generator(0))
        fns = {'bare': (bare, a.steps), 'bare-compiled': (bare_steps(cnet, x0, y), a.steps),
               'sre2l-compiled': (ours_c('sre2l'), a.steps), 'fd2-compiled': (ours_c('fd2'), a.steps)}
        for k, (f, _) in list(fns.items())[1:]:
            w = time.time(); f(); print(f"  first call of {k} (compiles): {time.time() - w:.1f} s wall", flush=True)
        row("  recover.compile=True", best(fns), 'bare')
        tb = best({'bare-compiled': fns['bare-compiled'], **{k: fns[k] for k in ('sre2l-compiled', 'fd2-compiled')}})
        row("  against the compiled floor", tb, 'bare-compiled')
    if a.parts:       # where the rest goes: the bare step plus one piece of the recover step at a time
        g = make_generator(0)
        x = x0.clone().requires_grad_(True)
        opt = torch.optim.Adam([x], lr=1e-3, betas=(0.5, 0.9), eps=1e-8)

        def plus(piece):
            def f():
                bn = BNMatch([t.net]) if piece == 'BN hooks' else None     # hooks only while this piece runs
                for _ in range(a.steps):
                    xi = x0.clone().requires_grad_(True)
                    xa = jitter(random_resized_crop(xi, generator=g), 4, g) if piece == 'augment' else xi
                    loss = F.cross_entropy(t.net(xa), y)
                    if piece == 'BN hooks':
                        loss = loss + 0.01 * bn.loss()
                    loss.backward()
                if bn: bn.remove()
            return f

        def adam():
            for _ in range(a.steps):
                opt.zero_grad(set_to_none=True); F.cross_entropy(t.net(x), y).backward(); opt.step()
                with torch.no_grad(): x.clamp_(-2, 2)
        fns = {'bare': (bare, a.steps), 'augment': (plus('augment'), a.steps), 'BN hooks': (plus('BN hooks'), a.steps),
               'Adam+clamp': (adam, a.steps)}
        row("  bare + one piece", best(fns), 'bare')


def relabel_rows(arch, S):
    t = make_teacher(arch, S)
    x = torch.randn(256, 3, S, S)

    @torch.no_grad()
    def bare(): t.net(x)
    fns = {'bare': (bare, 1), 'teacher_logits': (lambda: teacher_logits(t, x, amp='off'), 1)}
    row(f"relabel {arch} {S}px batch 256", best(fns), 'bare')


def teacher_rows(arch, S):
    t = make_teacher(arch, S).train()
    cfg = SqueezeConfig(arch=arch)
    step = TeacherStep(t, cfg)
    opt = torch.optim.SGD(t.parameters(), 0.01, momentum=0.9)
    x, y = torch.randn(64, 3, S, S), torch.arange(64) % K
    g = make_generator(0)

    def bare():
        opt.zero_grad(set_to_none=True); F.cross_entropy(t.net(x), y).backward(); opt.step()

    def ours(cal):
        def f():
            opt.zero_grad(set_to_none=True); step(x, y, cal, g)[0].backward(); opt.step()
        return f
    fns = {'bare': (bare, 1), 'plain': (ours(False), 1), 'CAL': (ours(True), 1)}
    row(f"teacher {arch} {S}px batch 64", best(fns), 'bare')


def crop_rows(S):
    "fd2dd's crop_resize (two matmuls per image) against torchvision's roi_align, the same numbers, forward+backward."
    from torchvision.ops import roi_align
    g = make_generator(0)
    x = torch.randn(K, 3, S, S, requires_grad=True)
    boxes = sample_rrc(K, S, S, generator=g)
    rois = torch.cat([torch.arange(float(K))[:, None], boxes], 1)
    fns = {'roi_align': (lambda: roi_align(x, rois, (S, S), 1.0, 0, True).square().sum().backward(), 1),
           'crop_resize': (lambda: crop_resize(x, boxes, S).square().sum().backward(), 1)}
    row(f"crop+resize {S}px batch {K}", best(fns), 'roi_align')


print(f"{torch.get_num_threads()} thread(s), process CPU ms per step, best of {a.rounds} rounds; "
      f"(x r) = r times the floor ('bare')")
if 'crop' in a.stages:
    for S in a.size: crop_rows(S)
for arch in a.arch:
    for S in a.size:
        if 'recover' in a.stages: recover_rows(arch, S)
        if 'relabel' in a.stages: relabel_rows(arch, S)
        if 'teacher' in a.stages: teacher_rows(arch, S)

if not a.ref:
    sys.exit(0)

# ---- the official FD2 recover step (Guang000/FD2, recover/recover_FD2.py, one model), imported from --ref
sys.modules.setdefault('cv2', types.ModuleType('cv2'))      # the reference imports cv2 for plotting only
sys.path[:0] = [a.ref, a.ref + '/recover']
import torchvision                                            # after the path: the reference's modules
import utils_recover as ur
from models.cal import CAL
from models.utils_models import LastFeatureHook
from torchvision import transforms

cfg = RecoverConfig.reference('fd2', device='cpu')
print(f"\nofficial FD2 (from {a.ref}) against fd2dd, ResNet-18 + CAL (M {M}), one image per class ({K}), "
      f"{J} earlier maps per class, fp32, FD2's settings (lr {cfg.lr}, alpha_bn {cfg.alpha_bn}, jitter {cfg.jitter})")


def ref_compare(S):
    if S <= 64:      # fd2dd's resnet18 is the small-input (CIFAR-style) variant there: another network
        print(f"  {S}px skipped: at 64 px and below fd2dd's resnet18 is its small-input variant; use --ref-size 128 or more")
        return
    torch.manual_seed(0); random.seed(0)
    y = torch.arange(K)
    net = torchvision.models.resnet18(num_classes=K).eval()
    cal = CAL(K, M, 'ResNet18', 'torchvision').eval()
    with torch.no_grad():                                    # BN running statistics away from (0, 1), as a trained net's
        for m in list(net.modules()) + list(cal.modules()):
            if isinstance(m, nn.BatchNorm2d):
                m.running_mean.uniform_(-0.5, 0.5); m.running_var.uniform_(0.5, 2)
    for p in list(net.parameters()) + list(cal.parameters()): p.requires_grad_(False)
    hooks_b = [ur.BNFeatureHook(m) for m in net.modules() if isinstance(m, nn.BatchNorm2d)]
    hooks_c = [ur.BNFeatureHook(m) for m in cal.modules() if isinstance(m, nn.BatchNorm2d)]
    last = LastFeatureHook(net.layer4[1].bn2)                 # the reference's CAL tap for ResNet-18
    centers = F.normalize(torch.randn(K, M * 512), dim=-1) * 0.05
    with torch.no_grad():
        net(torch.randn(K * J, 3, S, S)); prev_ref = cal(last.feature)[4].view(K, J, M, *last.feature.shape[2:])
    x0 = torch.randn(K, 3, S, S)

    def ref_loss(xj, parts=False):
        logits = net(xj)
        p_raw, _, fm, _, maps = cal(last.feature)
        ce = cfg.r * F.cross_entropy(p_raw, y) + (1 - cfg.r) * F.cross_entropy(logits, y)
        fc = cfg.rho * ur.intra_feature_center_dist(fm, y, centers, 'l2', 'down') + \
            (1 - cfg.rho) * ur.inter_feature_center_dist(fm, y, centers, 'l2', 'up')
        sc = sum(ur.features_dist(prev_ref[i], maps[i][None], method='l2', target='up', eps=1e-6) for i in range(K)) / K
        bn = sum(h.r_feature * (cfg.first_bn_multiplier if i == 0 else 1.) for i, h in enumerate(hooks_b)) + \
            sum(h.r_feature for h in hooks_c)
        terms = {'ce': ce, 'bn': cfg.alpha_bn * bn, 'fc': cfg.lambda_f * fc, 'sc': cfg.lambda_s * sc}
        return terms if parts else sum(terms.values())

    # fd2dd's CAL head with the reference head's weights, on the reference tap, and fd2dd's loss functions
    fcal = CALHead(512, K, M).eval()
    sd = cal.state_dict()
    fcal.load_state_dict({'attention.0.weight': sd['attentions.conv.weight'],
                          **{f'attention.1.{k}': sd[f'attentions.bn.{k}'] for k in
                             ('weight', 'bias', 'running_mean', 'running_var', 'num_batches_tracked')},
                          'fc.weight': sd['fc.weight'], 'centers': centers})
    for p in fcal.parameters(): p.requires_grad_(False)
    bnm = BNMatch([net, fcal], cfg.first_bn_multiplier)

    def ours_loss(xj):
        logits = net(xj)
        o = fcal(last.feature, effect=False)
        ce = cfg.r * F.cross_entropy(o['logits'], y) + (1 - cfg.r) * F.cross_entropy(logits, y)
        return {'ce': ce, 'bn': cfg.alpha_bn * bnm.loss(),
                'fc': cfg.lambda_f * characteristic_loss(o['z'], fcal.centers, y, cfg.rho, 'l2'),
                'sc': cfg.lambda_s * attention_similarity_loss(o['attn'], prev_ref, 'l2')}

    xj = x0.clone()
    with torch.no_grad():
        r, o = ref_loss(xj, parts=True), ours_loss(xj)
    print(f"  {S}px loss terms on the same input, reference / fd2dd (relative difference):")
    for k in r:
        print(f"    {k:3s} {float(r[k]):.6f} / {float(o[k]):.6f} ({abs(float(r[k]) - float(o[k])) / max(abs(float(r[k])), 1e-12):.1e})")
    bnm.remove()
    aug = transforms.Compose([transforms.RandomResizedCrop(S), transforms.RandomHorizontalFlip()])

    def ref_run():
        x = x0.clone().requires_grad_(True)
        opt = torch.optim.Adam([x], lr=cfg.lr, betas=(0.5, 0.9), eps=1e-8)
        sched = ur.lr_cosine_policy(cfg.lr, 0, a.steps)

        class A: mean_norm, std_norm = MEAN, STD
        for it in range(a.steps):
            sched(opt, it, it)
            xj = torch.roll(aug(x), shifts=(random.randint(0, cfg.jitter), random.randint(0, cfg.jitter)), dims=(2, 3))
            opt.zero_grad()
            ref_loss(xj).backward(); opt.step()
            x.data = ur.clip(x.data, A)

    t, prev = frozen_teacher('resnet18', S)
    fns = {'bare': (bare_steps(t.net, x0, y), a.steps), 'bare-torchvision': (bare_steps(net, x0, y), a.steps), 'official FD2': (ref_run, a.steps),
           'fd2dd FD2': (lambda: recover_batch(t, x0, y, cfg.replace(iterations=a.steps), prev, make_generator(0)), a.steps),
           'fd2dd SRe2L': (lambda: recover_batch(t, x0, y, RecoverConfig.reference('sre2l', iterations=a.steps, device='cpu'),
                                                 None, make_generator(0)), a.steps)}
    if a.amp:        # reduced precision: the forward under bf16 autocast, pixels and Adam in fp32 (recover.amp='on')
        def bare_bf16():
            with torch.autocast('cpu', dtype=torch.bfloat16): bare_steps(t.net, x0, y)()
        fns |= {'bare bf16': (bare_bf16, a.steps),
                'fd2dd FD2 bf16': (lambda: recover_batch(t, x0, y, cfg.replace(iterations=a.steps, amp='on'), prev,
                                                         make_generator(0)), a.steps),
                'fd2dd SRe2L bf16': (lambda: recover_batch(t, x0, y, RecoverConfig.reference(
                    'sre2l', iterations=a.steps, device='cpu', amp='on'), None, make_generator(0)), a.steps)}
    times = best(fns)
    row(f"FD2 recover ResNet-18 {S}px batch {K}", times, 'bare')
    print(f"  official / fd2dd FD2 step: {times['official FD2'] / times['fd2dd FD2']:.2f}x", flush=True)
    if a.amp:
        print(f"  native bf16 on this CPU: {cpu_has_bf16()}; official (fp32) / fd2dd FD2 bf16 step: "
              f"{times['official FD2'] / times['fd2dd FD2 bf16']:.2f}x; fd2dd FD2 bf16 / bare bf16: "
              f"{times['fd2dd FD2 bf16'] / times['bare bf16']:.2f}x; SRe2L bf16 / bare bf16: "
              f"{times['fd2dd SRe2L bf16'] / times['bare bf16']:.2f}x", flush=True)


for S in a.ref_size:
    ref_compare(S)
