"""The Keras MNIST convnet example (keras.io/examples/vision/mnist_convnet), as a user has it, plus
one RunRecorder line. Smaller and shorter than the original so that a test can run it: the
embedded 5,000 digits instead of the 70,000 download, 2 epochs instead of 15.

    python keras_convnet_example.py OUT_DIR {validation_split|validation_data}
"""
import os
import sys

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import keras  # noqa: E402
import numpy as np  # noqa: E402
from keras import layers  # noqa: E402

import mnist_viz  # noqa: E402
from mnist_viz.callbacks import RunRecorder  # noqa: E402

out, holdout = sys.argv[1], sys.argv[2]
keras.utils.set_random_seed(0)

# Model / data parameters
num_classes = 10
input_shape = (28, 28, 1)

# Load the data and split it between train and test sets
data = mnist_viz.load_mnist("embedded")  # (x_train, y_train), (x_test, y_test) = keras.datasets.mnist.load_data()
(x_train, y_train), (x_test, y_test) = (data.x_train, data.y_train), (data.x_test, data.y_test)

# Scale images to the [0, 1] range
x_train = x_train.astype("float32") / 255
x_test = x_test.astype("float32") / 255
# Make sure images have shape (28, 28, 1)
x_train = np.expand_dims(x_train, -1)
x_test = np.expand_dims(x_test, -1)

# convert class vectors to binary class matrices
y_train = keras.utils.to_categorical(y_train, num_classes)
y_test = keras.utils.to_categorical(y_test, num_classes)

model = keras.Sequential(
    [
        keras.Input(shape=input_shape),
        layers.Conv2D(32, kernel_size=(3, 3), activation="relu"),
        layers.MaxPooling2D(pool_size=(2, 2)),
        layers.Conv2D(64, kernel_size=(3, 3), activation="relu"),
        layers.MaxPooling2D(pool_size=(2, 2)),
        layers.Flatten(),
        layers.Dropout(0.5),
        layers.Dense(num_classes, activation="softmax"),
    ]
)

batch_size = 128
epochs = 2

model.compile(loss="categorical_crossentropy", optimizer="adam", metrics=["accuracy"])

if holdout == "validation_split":
    recorder = RunRecorder(out, training_data=(x_train, y_train), test_data=(x_test, y_test))  # the added line
    model.fit(x_train, y_train, batch_size=batch_size, epochs=epochs, validation_split=0.1, callbacks=[recorder])
else:
    x_val, y_val, x_train, y_train = x_train[-400:], y_train[-400:], x_train[:-400], y_train[:-400]
    recorder = RunRecorder(out, validation_data=(x_val, y_val), test_data=(x_test, y_test))  # the added line
    model.fit(x_train, y_train, batch_size=batch_size, epochs=epochs, validation_data=(x_val, y_val),
              callbacks=[recorder])

score = model.evaluate(x_test, y_test, verbose=0)
print("Test loss:", score[0])
print("Test accuracy:", score[1])
