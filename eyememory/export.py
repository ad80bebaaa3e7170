"""The trained models behind the site's explorers, exported as JSON for the browser.

The Eye explorer and the Memory explorer run the forward pass in plain JavaScript
(``docs/assets/explorer/nn.js``). They read the weights from two files that one command
makes, reproducibly from a seed:

```bash
python -m eyememory.export            # writes docs/assets/explorer/{eye,memory}-model.json
python -m eyememory.export --out DIR  # somewhere else
```

Each file holds every parameter as ``{"shape": [...], "data": [...]}`` in PyTorch's own
row-major order, with the same names as the model's ``state_dict``, so that the
JavaScript indexes the numbers exactly as torch does; the test suite checks its outputs
against PyTorch's.
"""

from __future__ import annotations

import argparse
import hashlib
import json
from pathlib import Path

import torch
from torch import nn

from ._validation import check_instance, check_seed, check_size, fail, shown
from .data.digits import RandomShift, load_digits
from .data.sentences import FILLERS, UnknownAsides, but_reviews, verdict_reviews
from .data.text import UNK, Vocabulary
from .models.eye import Eye
from .models.memory import EveryWord, Memory, every_word_loss
from .training import History, accuracy, fit, seed_everything

FORMAT = "eyememory-explorer/1"
# The chapters' recipes: the Eye trained on digits shifted by up to 2 pixels (readers'
# drawings are rarely centred), and the Memory chapter's verdict-so-far reader.
EYE_RECIPE = {"epochs": 20, "batch_size": 32, "lr": 1e-2, "max_shift": 2}
"""How the explorer's Eye is trained: Adam, with shifts of up to ``max_shift`` pixels."""
MEMORY_RECIPE = {
    "vocabulary": {"reviews": 2000, "seed": 1, "one_clause": 0.25},
    "reviews": 2000,
    "review_seed": 4,
    "max_gap": 4,
    "agree": 0.25,
    "unknown_asides": 0.1,
    "embedding_dim": 16,
    "hidden_size": 32,
    "epochs": 3,
    "batch_size": 32,
    "lr": 1e-2,
    "max_grad_norm": 1.0,
}
"""How the explorer's Memory is trained: the Memory chapter's vocabulary (built from
``but_reviews`` and the asides), ``reviews`` reviews from ``verdict_reviews``, a target after
every word (the verdict so far) and `every_word_loss`;
aside words read as ``<unk>`` at random (`UnknownAsides`);
Adam with clipped gradients."""
EXAMPLES_PER_DIGIT = 2


def fingerprint(*tensors: torch.Tensor) -> str:
    """SHA-256 of the tensors' float32 bytes: equal on every machine for equal values.

    For data that is exact everywhere (the digits, word ids, targets). Training is not
    bitwise reproducible across processors (a last-bit difference in a sum grows over
    hundreds of steps), and neither are the initial weights, which differ in the last bit
    where a processor's vectorised random kernel rounds otherwise: those get
    `probe`.
    """
    digest = hashlib.sha256()
    for tensor in tensors:
        digest.update(tensor.detach().to(torch.float32).contiguous().cpu().numpy().tobytes())
    return digest.hexdigest()


def probe(*tensors: torch.Tensor) -> list[list[float]]:
    """Each tensor's sum and sum of squares, in float64: a fingerprint that tolerates the
    last-bit differences between processors (compare with a tolerance near 1e-6) and still
    changes with the seed, the architecture or the initialisation.

    Examples:
        >>> a = torch.tensor([0.5, -0.25])
        >>> probe(a)
        [[0.25, 0.3125]]
    """
    return [[float(t.double().sum()), float((t.double() ** 2).sum())] for t in tensors]


def untrained_eye(seed: int = 0) -> Eye:
    """The explorer's Eye before training: the package's own layers, weights from ``seed``."""
    seed_everything(seed)
    return Eye(head="max")


def train_eye(seed: int = 0) -> tuple[Eye, dict]:
    """The explorer's Eye, trained with `EYE_RECIPE`.

    This is the recipe of the Eye chapter's "global max, trained on shifts" model.

    Returns:
        The trained model (on the CPU) and its provenance: test accuracy and the
        fingerprints of its initial weights and training data.
    """
    digits = load_digits()
    eye = untrained_eye(seed)
    provenance = {
        "initial_weights_probe": probe(*eye.state_dict().values()),
        "training_data_sha256": fingerprint(digits.train_images, digits.train_labels),
    }
    recipe = {k: v for k, v in EYE_RECIPE.items() if k != "max_shift"}
    fit(
        eye,
        digits.train_images,
        digits.train_labels,
        augment=RandomShift(EYE_RECIPE["max_shift"]),
        seed=seed,
        device="cpu",
        progress=False,
        **recipe,
    )
    provenance["test_accuracy"] = round(accuracy(eye, digits.test_images, digits.test_labels), 4)
    return eye, provenance


def memory_data() -> tuple[Vocabulary, torch.Tensor, torch.Tensor]:
    """The Memory explorer's vocabulary and reviews: ``(vocab, ids (N, T), targets (N, T, 2))``.

    The vocabulary is the Memory chapter's (the same words in the same order); the targets
    are the verdict so far after every word, from
    `verdict_reviews`.
    """
    r = MEMORY_RECIPE
    v = r["vocabulary"]
    vocabulary_sentences, _ = but_reviews(v["reviews"], seed=v["seed"], one_clause=v["one_clause"])
    vocab = Vocabulary.build(vocabulary_sentences + list(FILLERS))
    sentences, targets = verdict_reviews(
        r["reviews"], seed=r["review_seed"], max_gap=r["max_gap"], agree=r["agree"]
    )
    ids, _ = vocab.encode_batch(sentences)  # (N, T)
    return vocab, ids, targets


def untrained_memory(vocab_size: int, seed: int = 0) -> Memory:
    """The explorer's Memory before training: a tanh RNN, weights from ``seed``."""
    r = MEMORY_RECIPE
    return Memory(vocab_size, r["embedding_dim"], r["hidden_size"], cell="rnn", seed=seed)


def fit_memory(
    memory: Memory,
    vocab: Vocabulary,
    ids: torch.Tensor,
    targets: torch.Tensor,
    seed: int,
    **options: object,
) -> History:
    """Train ``memory`` with the recipe's every-word loss, on ``memory_data()``'s reviews.

    ``options`` go to `fit` (``epochs``, ``metrics``) over the
    recipe's own; the benchmark uses them to time the same training with torch's layer.
    """
    r = MEMORY_RECIPE
    recipe = {
        "epochs": r["epochs"],
        "batch_size": r["batch_size"],
        "lr": r["lr"],
        "max_grad_norm": r["max_grad_norm"],
        "device": "cpu",
        "progress": False,
    }
    wrapped = EveryWord(memory)
    augment = UnknownAsides(vocab, r["unknown_asides"])
    settings = {**recipe, **options}
    return fit(
        wrapped, ids, targets, loss_fn=every_word_loss, augment=augment, seed=seed, **settings
    )


def train_memory(seed: int = 0) -> tuple[Memory, Vocabulary, dict]:
    """The explorer's Memory, trained with `MEMORY_RECIPE`.

    This is the recipe of the Memory chapter's verdict-so-far reader (section 4): trained
    on a target after every word, so that its reading after any word is a verdict on the
    review so far, not only after the last one.

    Returns:
        The trained model (on the CPU), its vocabulary, and its provenance: accuracy on
        1,000 fresh "but" reviews and the fingerprints of its initial weights and training
        data.
    """
    r = MEMORY_RECIPE
    vocab, ids, targets = memory_data()
    memory = untrained_memory(len(vocab), seed)
    provenance = {
        "initial_weights_probe": probe(*memory.state_dict().values()),
        "training_data_sha256": fingerprint(ids, targets),
    }
    fit_memory(memory, vocab, ids, targets, seed)
    test_sentences, test_labels = but_reviews(1000, seed=r["review_seed"] + 100)
    test_ids, _ = vocab.encode_batch(test_sentences)
    provenance["test_accuracy"] = round(accuracy(memory, test_ids, test_labels), 4)
    return memory, vocab, provenance


def parameters_to_json(model: nn.Module) -> dict[str, dict[str, list]]:
    """Every parameter as ``{"shape": [...], "data": [...]}``, row-major, by state_dict name.

    Values are float32 written with 9 significant digits, enough to give back the same
    float32 exactly.

    Examples:
        >>> exported = parameters_to_json(nn.Linear(3, 2))
        >>> exported["weight"]["shape"], len(exported["weight"]["data"])
        ([2, 3], 6)
    """
    return {
        name: {
            "shape": list(tensor.shape),
            "data": [float(f"{v:.9g}") for v in tensor.detach().float().cpu().reshape(-1).tolist()],
        }
        for name, tensor in model.state_dict().items()
    }


def _check_record(provenance: object, seed: object) -> None:
    """What every explorer file records besides its model: where it came from, and its seed."""
    check_instance("provenance", provenance, dict, "a dict")
    check_seed("seed", seed)


def eye_to_json(eye: Eye, provenance: dict, seed: int) -> dict:
    """The Eye explorer's file: weights, architecture and a few test digits to pick from."""
    check_instance("eye", eye, Eye, "an Eye")
    if eye.head_kind != "max":
        wanted = "an Eye with the global max head (what the explorer draws)"
        raise fail("eye", wanted, f"head {eye.head_kind!r}")
    _check_record(provenance, seed)
    digits = load_digits()
    examples = []
    for label in range(10):
        rows = (digits.test_labels == label).nonzero().flatten()[:EXAMPLES_PER_DIGIT]
        for row in rows.tolist():
            grey = (digits.test_images[row, 0] * 16).round().to(torch.int64)  # back to 0..16
            examples.append({"label": label, "pixels": grey.flatten().tolist()})
    return {
        "format": FORMAT,
        "model": "eyememory.models.eye.Eye",
        "head": eye.head_kind,
        "padding": 1,
        "input": "8x8 grey levels 0..16 divided by 16",
        "recipe": {**EYE_RECIPE, "seed": seed},
        "provenance": provenance,
        "classes": [str(d) for d in range(10)],
        "examples": examples,
        "parameters": parameters_to_json(eye),
    }


def memory_to_json(memory: Memory, vocab: Vocabulary, provenance: dict, seed: int) -> dict:
    """The Memory explorer's file: weights, vocabulary and class names."""
    check_instance("memory", memory, Memory, "a Memory")
    if memory.cell != "rnn":
        wanted = "a Memory with cell='rnn' (the explorer runs the tanh RNN)"
        raise fail("memory", wanted, f"cell {memory.cell!r}")
    check_instance("vocab", vocab, Vocabulary, "a Vocabulary")
    check_size(
        "vocab",
        len(vocab),
        memory.embedding.num_embeddings,
        "as many tokens as the Memory's vocab_size",
    )
    _check_record(provenance, seed)
    return {
        "format": FORMAT,
        "model": "eyememory.models.memory.Memory",
        "cell": memory.cell,
        "recipe": {**MEMORY_RECIPE, "seed": seed},
        "provenance": provenance,
        "classes": ["negative", "positive"],
        "vocabulary": vocab.tokens,
        "pad_index": vocab.pad_index,
        "unk_index": vocab.unk_index,
        "unk_token": UNK,
        "parameters": parameters_to_json(memory),
    }


def _load_parameters(model: nn.Module, parameters: dict[str, dict[str, list]]) -> None:
    expected = {name: list(t.shape) for name, t in model.state_dict().items()}
    got = {name: p["shape"] for name, p in parameters.items()}
    if got != expected:
        raise ValueError(f"data's parameters must match the model: expected {expected}, got {got}")
    state = {
        name: torch.tensor(p["data"], dtype=torch.float32).reshape(p["shape"])
        for name, p in parameters.items()
    }
    model.load_state_dict(state)


def _check_file(data: object) -> None:
    """An explorer file's content: a dict of this format."""
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        got = f"format {data.get('format')!r}" if isinstance(data, dict) else shown(data)
        raise fail("data", f"an explorer file's content (a dict of format {FORMAT!r})", got)


def eye_from_json(data: dict) -> Eye:
    """The Eye an explorer file describes, ready to run in PyTorch.

    Examples:
        >>> data = eye_to_json(Eye(), provenance={}, seed=0)
        >>> eye = eye_from_json(data)
        >>> eye(torch.rand(2, 1, 8, 8)).shape
        torch.Size([2, 10])
    """
    _check_file(data)
    C1 = data["parameters"]["conv1.weight"]["shape"][0]
    C2 = data["parameters"]["conv2.weight"]["shape"][0]
    eye = Eye(head=data["head"], channels=(C1, C2))
    _load_parameters(eye, data["parameters"])
    return eye.eval()


def memory_from_json(data: dict) -> tuple[Memory, Vocabulary]:
    """The Memory (and its vocabulary) an explorer file describes, ready to run in PyTorch.

    Examples:
        >>> vocab = Vocabulary(["good", "bad"])
        >>> data = memory_to_json(Memory(len(vocab), 4, 8, seed=0), vocab, provenance={}, seed=0)
        >>> memory, vocab = memory_from_json(data)
        >>> memory(torch.tensor([vocab.encode("good")])).shape
        torch.Size([1, 2])
    """
    _check_file(data)
    V, E = data["parameters"]["embedding.weight"]["shape"]
    H = data["parameters"]["rnn.weight_hh_l0"]["shape"][0]
    C = data["parameters"]["head.weight"]["shape"][0]
    memory = Memory(V, E, H, C, cell=data["cell"], padding_idx=data["pad_index"])
    _load_parameters(memory, data["parameters"])
    vocab = Vocabulary(data["vocabulary"][2:])  # <pad> and <unk> come first, always
    if vocab.tokens != data["vocabulary"]:
        raise fail(
            "data",
            "a vocabulary starting with <pad> and <unk>, with no repeats",
            data["vocabulary"][:5],
        )
    return memory.eval(), vocab


def export(out: Path, seed: int = 0) -> dict[str, Path]:
    """Train both explorer models from ``seed`` and write their JSON files into ``out``."""
    out.mkdir(parents=True, exist_ok=True)
    eye, eye_provenance = train_eye(seed)
    memory, vocab, memory_provenance = train_memory(seed)
    files = {
        "eye": (out / "eye-model.json", eye_to_json(eye, eye_provenance, seed)),
        "memory": (
            out / "memory-model.json",
            memory_to_json(memory, vocab, memory_provenance, seed),
        ),
    }
    for path, content in files.values():
        path.write_text(json.dumps(content, separators=(",", ":")) + "\n", encoding="utf-8")
    return {name: path for name, (path, _) in files.items()}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="python -m eyememory.export", description=__doc__.splitlines()[0]
    )
    parser.add_argument(
        "--out", type=Path, default=Path("docs/assets/explorer"), help="folder for the JSON files"
    )
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    torch.set_num_threads(1)  # small models: one thread is fastest and the same everywhere
    for name, path in export(args.out, args.seed).items():
        print(f"{name}: {path} ({path.stat().st_size / 1024:.0f} KiB)")


if __name__ == "__main__":
    main()
