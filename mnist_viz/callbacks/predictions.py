"""PredictionRecorder: class probabilities on a fixed probe set after every epoch."""
from __future__ import annotations

from typing import Any, Mapping, Sequence, Tuple, Union

import numpy as np
from numpy.typing import ArrayLike

from mnist_viz import run_format as fmt
from mnist_viz._arrays import as_labels, positive_int, to_uint8_images
from mnist_viz.callbacks._base import Recorder
from mnist_viz.callbacks._held_out import fit_validation
from mnist_viz.callbacks._output_kind import OutputKind, output_kind, warn_not_classifier
from mnist_viz.callbacks._probe import ProbePass, predict_probabilities
from mnist_viz.callbacks._writer import RunWriter

#: The ``(x, y)`` arrays a recorder takes (``validation_data=``, ``test_data=``, ``training_data=``).
DataPair = Tuple[Union[np.ndarray, Sequence[Any]], Union[np.ndarray, Sequence[Any]]]

__all__ = ["PredictionRecorder"]


class PredictionRecorder(Recorder):
    """Record class probabilities on a fixed probe set after every epoch.

    The probe set is at most ``probe_size`` samples of ``validation_data`` (all of them when there
    are fewer; otherwise a random subset drawn once with ``seed``, in their original order). At train
    begin ``probe/probe.npz`` stores their ``images`` (uint8 28×28, when inputs are 784-pixel digits;
    floats in [0, 1] are scaled by 255), ``labels`` (int64; one-hot is accepted) and ``indices``
    into the validation set; after every epoch ``probe/epoch_XXXX.npz`` stores ``probabilities``
    (float16, softmax applied when the model outputs logits).

    Only a classifier's outputs are recorded (:mod:`~mnist_viz.callbacks._output_kind`): for a
    regression, multi-output or multi-label model one warning at train begin says so, and
    :attr:`output` holds the decision.

    Keras does not hand callbacks the data that ``validation_split`` holds out, so pass
    ``validation_data`` explicitly; without it nothing is recorded and one warning says so.
    :attr:`forward` is the probe pass (a :class:`WeightRecorder` given ``probe=`` this recorder
    reads its ReLU maxima from the same pass); ``writer=``: see :class:`RunRecorder`.

    >>> import numpy as np, keras
    >>> model = keras.Sequential([keras.layers.Dense(3, activation="softmax")])
    >>> model.compile("sgd", "sparse_categorical_crossentropy")
    >>> x, y = np.ones((12, 4), "float32"), np.arange(12) % 3
    >>> rec = PredictionRecorder(validation_data=(x, y), probe_size=5)
    >>> _ = model.fit(x, y, epochs=2, verbose=0, callbacks=[rec])
    >>> rec.probabilities.shape, rec.indices.tolist() == sorted(rec.indices.tolist())
    ((2, 5, 3), True)
    """

    def __init__(self, run_dir: fmt.StrPath | None = None, *, validation_data: DataPair | None = None,
                 probe_size: int = 1000, seed: int = 0, batch_size: int = 1000,
                 writer: RunWriter | None = None) -> None:
        super().__init__(run_dir, writer=writer)
        self.probe_size = positive_int(probe_size, "probe_size")
        self.batch_size = positive_int(batch_size, "batch_size")
        self.seed = positive_int(seed, "seed", minimum=0)  # numpy.random.default_rng takes any int >= 0
        self._forward: ProbePass | None = None
        #: what the model outputs (decided at train begin; a composing recorder may decide it)
        self.output: OutputKind | None = None
        self._output_given = False
        self._probs: list[np.ndarray] = []
        self._epochs: list[int] = []
        self._validation_given = validation_data is not None
        self.set_validation_data(validation_data)

    def set_validation_data(self, validation_data: DataPair | None) -> None:
        """Use ``validation_data=(x_val, y_val)`` (None: none) as the probe set's source: at most
        ``probe_size`` samples of it, drawn with ``seed``. A composing recorder that finds the data
        ``fit`` holds out calls this at train begin."""
        self.x: np.ndarray | None = None
        self.labels: np.ndarray | None = None
        self.indices: np.ndarray | None = None
        self.images: np.ndarray | None = None
        self._label_error: Exception | None = None
        self._forward = None
        if validation_data is None:
            return
        if not isinstance(validation_data, (tuple, list)) or len(validation_data) < 2:
            raise ValueError(
                "validation_data must be a tuple (x_val, y_val); got "
                f"{type(validation_data).__name__}{'' if not hasattr(validation_data, '__len__') else f' of length {len(validation_data)}'}"
            )
        x = np.asarray(validation_data[0])
        if len(x) != len(validation_data[1]):
            raise ValueError(f"validation_data has {len(x)} inputs but {len(validation_data[1])} labels")
        labels = None
        try:  # a regression's targets are not class labels: their error waits for the output kind
            labels = as_labels(validation_data[1], "validation_data[1]", scores=True)
        except (TypeError, ValueError) as exc:
            self._label_error = exc
        n = len(x)
        if n > self.probe_size:
            rng = np.random.default_rng(self.seed)
            indices = np.sort(rng.choice(n, size=self.probe_size, replace=False))
        else:
            indices = np.arange(n)
        self.indices = indices.astype(np.int64)
        self.x = x[self.indices]
        self.labels = None if labels is None else labels[self.indices]
        self.images = to_uint8_images(self.x)

    @property
    def probabilities(self) -> np.ndarray:
        """(E, n, C) probabilities recorded so far."""
        return np.stack(self._probs) if self._probs else np.zeros((0, 0, 0), np.float32)

    def predict(self, x: ArrayLike) -> np.ndarray:
        """Class probabilities of ``x`` with the current weights (softmax applied to logits)."""
        return predict_probabilities(self.model, x, self.batch_size)

    def use_output(self, output: OutputKind) -> None:
        """Take the owner's decision about the model's output (it warns, this recorder does not);
        a classifier's validation labels that are not class labels raise here."""
        self.output, self._output_given = output, True
        self._check_labels()

    def _check_labels(self) -> None:
        assert self.output is not None  # decided (or given) before the labels are checked
        if self.output.classifier and self._label_error is not None:
            raise self._label_error

    @property
    def records(self) -> bool:
        """Whether probabilities are recorded: a probe set and a classifier."""
        return self.x is not None and (self.output is None or self.output.classifier)

    @property
    def forward(self) -> ProbePass | None:
        """The compiled probe pass (outputs and ReLU unit maxima), made for the current model;
        None without validation data."""
        if self.x is None:
            return None
        if self._forward is None or self._forward.model is not self.model:
            self._forward = ProbePass(self.model, self.x, batch_size=self.batch_size)
        return self._forward

    def on_train_begin(self, logs: Mapping[str, Any] | None = None) -> None:
        self._decide_chief()
        self._probs, self._epochs = [], []
        if self.owns_writer and not self._validation_given:  # alone: what the running fit validates on
            self.set_validation_data(fit_validation(self.model)[0])
        if self.forward is not None:
            self.forward.reset()
        if not self._output_given:
            self.output = output_kind(self.model)
            self._check_labels()
        assert self.output is not None
        if not self.output.classifier:
            if not self._output_given:
                warn_not_classifier(self, self.output, "PredictionRecorder",
                                    "probe predictions, which need a classifier, are not recorded")
            if self.writes:
                assert self.run_dir is not None  # a recorder writes only into a run directory
                fmt.remove_epoch_files(self.run_dir, "probe")  # none of an earlier fit here survive
            return
        if self.x is None:
            self._warn_once(
                "no_validation",
                "PredictionRecorder has no validation_data, so no probe predictions are recorded: fit with "
                "`validation_split=` or `validation_data=` arrays, or pass `validation_data=(x_val, y_val)` "
                "to RunRecorder (or PredictionRecorder); where the fit cannot be read, "
                "`training_data=(x_train, y_train)` to RunRecorder reproduces its `validation_split`",
            )
            return
        if self.writes:
            assert self.run_dir is not None
            fmt.remove_epoch_files(self.run_dir, "probe")  # from an earlier fit here
            self._submit(fmt.write_probe_set, self.run_dir, labels=self.labels, indices=self.indices,
                         images=self.images)

    def on_epoch_end(self, epoch: int, logs: Mapping[str, Any] | None = None) -> None:
        if not self.records:
            return
        forward = self.forward
        assert forward is not None  # records implies a probe set
        probs, _ = forward.run(key=int(epoch))
        self._probs.append(probs)
        self._epochs.append(int(epoch))
        if self.writes:
            self._submit(fmt.write_probe_epoch, self.run_dir, int(epoch), probs)
        self._epoch_written()
