"""The Eye on the digits, validation and early stopping: eyememory's fit."""

import torch

from eyememory import Eye, accuracy, fit, load_digits

torch.set_num_threads(1)
digits = load_digits()
x, y = digits.train_images, digits.train_labels
eye = Eye(seed=0)
history = fit(
    eye, x[:1150], y[:1150], val=(x[1150:], y[1150:]), epochs=30, lr=1e-2, patience=3, seed=0
)
test = accuracy(eye, digits.test_images, digits.test_labels)
print(f"eyememory: best epoch {history.best_epoch}, test accuracy {test:.3f}")
