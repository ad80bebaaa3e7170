"""The Eye on the digits, validation and early stopping: d2l's Trainer (which lacks the last)."""

import copy

import torch
from d2l import torch as d2l

from eyememory import Eye, accuracy, load_digits


class Digits(d2l.DataModule):
    def __init__(self, batch_size=32):
        super().__init__()
        self.save_hyperparameters()
        digits = load_digits()
        self.x, self.y = digits.train_images, digits.train_labels
        self.test = digits.test_images, digits.test_labels

    def get_dataloader(self, train):
        rows = slice(0, 1150) if train else slice(1150, None)
        return self.get_tensorloader((self.x, self.y), train, rows)


class DigitEye(d2l.Classifier):
    def __init__(self, lr=1e-2):
        super().__init__()
        self.save_hyperparameters()
        self.net = Eye(seed=0)
        self.board.display = False  # it draws an animated figure in a notebook

    def configure_optimizers(self):
        return torch.optim.Adam(self.parameters(), lr=self.lr)


class EarlyStoppingTrainer(d2l.Trainer):
    """d2l's Trainer plots validation but keeps no record of it, and never stops early."""

    def __init__(self, max_epochs, patience):
        super().__init__(max_epochs)
        self.patience = patience

    def fit(self, model, data):
        self.prepare_data(data)
        self.prepare_model(model)
        self.optim = model.configure_optimizers()
        self.train_batch_idx = self.val_batch_idx = 0
        best, waited = float("inf"), 0
        for epoch in range(self.max_epochs):
            self.epoch = epoch  # d2l's plots read it
            self.fit_epoch()
            loss = self.val_loss()
            if loss < best:
                best, waited, self.best_epoch = loss, 0, epoch + 1
                best_state = copy.deepcopy(model.state_dict())
            else:
                waited += 1
            if waited >= self.patience:
                break
        model.load_state_dict(best_state)

    def val_loss(self):
        self.model.eval()
        with torch.no_grad():
            total = sum(self.model.loss(self.model(x), y) * len(y) for x, y in self.val_dataloader)
        return float(total) / len(self.val_dataloader.dataset)


torch.set_num_threads(1)
torch.manual_seed(0)
data, model = Digits(), DigitEye()
trainer = EarlyStoppingTrainer(max_epochs=30, patience=3)
trainer.fit(model, data)
test = accuracy(model.net, *data.test)
print(f"d2l: best epoch {trainer.best_epoch}, test accuracy {test:.3f}")
