"""The ten Fashion-MNIST class names, by label 0-9 (the book's Chinese names)."""

STRINGS = {
    "class.0": {"en": "t-shirt", "zh": "T恤"},
    "class.1": {"en": "trouser", "zh": "裤子"},
    "class.2": {"en": "pullover", "zh": "套衫"},
    "class.3": {"en": "dress", "zh": "连衣裙"},
    "class.4": {"en": "coat", "zh": "外套"},
    "class.5": {"en": "sandal", "zh": "凉鞋"},
    "class.6": {"en": "shirt", "zh": "衬衫"},
    "class.7": {"en": "sneaker", "zh": "运动鞋"},
    "class.8": {"en": "bag", "zh": "包"},
    "class.9": {"en": "ankle boot", "zh": "短靴"},
}
