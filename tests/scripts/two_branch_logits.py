"""A user's own functional model: two branches (a small convnet and a dense path on the flattened
pixels) joined into one logits layer (no softmax; from_logits=True), a learning-rate schedule,
sparse integer labels, and one RunRecorder line.

    python two_branch_logits.py OUT_DIR
"""
import os
import sys

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import keras  # noqa: E402
from keras import layers  # noqa: E402

import mnist_viz  # noqa: E402
from mnist_viz.callbacks import RunRecorder  # noqa: E402

keras.utils.set_random_seed(1)
data = mnist_viz.load_mnist("embedded")
x_train = data.x_train.reshape(-1, 28, 28, 1).astype("float32") / 255
x_test = data.x_test.reshape(-1, 28, 28, 1).astype("float32") / 255
y_train, y_test = data.y_train, data.y_test  # sparse labels 0..9

inputs = keras.Input((28, 28, 1), name="digit")
a = layers.Conv2D(16, 3, activation="relu", name="conv_a")(inputs)
a = layers.MaxPooling2D(name="pool_a")(a)
a = layers.Conv2D(16, 3, activation="relu", name="conv_b")(a)
a = layers.GlobalAveragePooling2D(name="gap")(a)
b = layers.Flatten(name="pixels")(inputs)
b = layers.Dense(64, activation="relu", name="dense_path")(b)
joined = layers.Concatenate(name="joined")([a, b])
joined = layers.Dense(32, activation="relu", name="features")(joined)
logits = layers.Dense(10, name="logits")(joined)
model = keras.Model(inputs, logits, name="two_branch")

schedule = keras.optimizers.schedules.ExponentialDecay(1e-3, decay_steps=20, decay_rate=0.8)
model.compile(optimizer=keras.optimizers.Adam(schedule),
              loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
              metrics=["accuracy"])
recorder = RunRecorder(sys.argv[1], test_data=(x_test, y_test), dataset=data)  # the added line
model.fit(x_train, y_train, batch_size=64, epochs=2, validation_split=0.1, callbacks=[recorder], verbose=2)
