"""The Eye on the digits, validation and early stopping: a minimal Lightning loop."""

import tempfile

import lightning as L
import torch
from lightning.pytorch.callbacks import EarlyStopping, ModelCheckpoint
from torch.nn import functional as F
from torch.utils.data import DataLoader, TensorDataset

from eyememory import Eye, accuracy, load_digits


class LitEye(L.LightningModule):
    def __init__(self) -> None:
        super().__init__()
        self.eye = Eye(seed=0)

    def training_step(self, batch, batch_idx):
        x, y = batch
        return F.cross_entropy(self.eye(x), y)

    def validation_step(self, batch, batch_idx):
        x, y = batch
        scores = self.eye(x)
        self.log("val_loss", F.cross_entropy(scores, y))
        self.log("val_accuracy", (scores.argmax(1) == y).float().mean())

    def configure_optimizers(self):
        return torch.optim.Adam(self.parameters(), lr=1e-2)


torch.set_num_threads(1)
L.seed_everything(0)
digits = load_digits()
x, y = digits.train_images, digits.train_labels
train = DataLoader(TensorDataset(x[:1150], y[:1150]), batch_size=32, shuffle=True)
val = DataLoader(TensorDataset(x[1150:], y[1150:]), batch_size=512)
checkpoint = ModelCheckpoint(monitor="val_loss")  # to get the best weights back
trainer = L.Trainer(
    max_epochs=30,
    callbacks=[EarlyStopping("val_loss", patience=3), checkpoint],
    accelerator="cpu",
    default_root_dir=tempfile.mkdtemp(),
    logger=False,
)
trainer.fit(LitEye(), train, val)
best = LitEye.load_from_checkpoint(checkpoint.best_model_path)
test = accuracy(best.eye, digits.test_images, digits.test_labels)
best_epoch = torch.load(checkpoint.best_model_path, weights_only=False)["epoch"] + 1
print(f"Lightning: best epoch {best_epoch}, test accuracy {test:.3f}")
