__version__ = "0.1.0"
"fd2dd: dataset distillation for fine-grained image classification (FD2, FocusDD and the SRe2L/RDED family on one pipeline)."

# The few names a user calls; everything else lives in its module (see the notebooks in nbs/).
from .pipeline import RunConfig, DataConfig, run, distill, evaluate, load_data, load_student
from .squeeze import SqueezeConfig, train_teacher, load_teacher
from .synth.recover import RecoverConfig, recover
from .train import TrainConfig, train_student
from .distilled import load_distilled, export_tensors
