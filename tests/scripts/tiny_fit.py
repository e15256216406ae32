"""The tiny fit the distribution scripts share (mirrored_run.py, multiworker_run.py,
jax_data_parallel_run.py): seeded data, a 784-16-10 dense model with plain SGD, and a RunRecorder fit
without shuffling — so a distributed fit's averaged gradients equal one device's up to rounding.

Keras is imported inside the functions: each script first sets up its backend, devices or strategy.
"""
import numpy as np


def tiny_data(n: int, n_val: int):
    """``(x, y, x_val, y_val)``: ``n`` seeded samples of 784 values, labels 0..9 in turn; the first
    ``n_val`` are also the validation (and test) data."""
    rng = np.random.default_rng(0)
    x = rng.random((n, 784), dtype=np.float32)
    y = (np.arange(n) % 10).astype(np.int64)
    return x, y, x[:n_val], y[:n_val]


def tiny_model():
    """The seeded, compiled model (build it inside a strategy's scope where there is one)."""
    import keras

    keras.utils.set_random_seed(0)
    model = keras.Sequential(
        [keras.Input((784,)), keras.layers.Dense(16, activation="relu", name="hidden"),
         keras.layers.Dense(10, activation="softmax", name="out")],
        name="tiny",
    )
    model.compile(keras.optimizers.SGD(0.1), "sparse_categorical_crossentropy", metrics=["accuracy"])
    return model


def recorded_fit(model, data, run_dir, name):
    """Fit ``model`` 2 epochs at batch 16 on ``data`` (:func:`tiny_data`) with a RunRecorder into
    ``run_dir``; return the recorder."""
    from mnist_viz.callbacks import RunRecorder

    x, y, xv, yv = data
    rec = RunRecorder(run_dir, name=name, validation_data=(xv, yv), test_data=(xv, yv), save_model=False)
    model.fit(x, y, epochs=2, batch_size=16, shuffle=False, verbose=0, validation_data=(xv, yv), callbacks=[rec])
    return rec
