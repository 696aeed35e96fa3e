"""Strings of the Your own image page, including every ImageError message."""

STRINGS = {
    "your_image.title": {"en": "Your own image", "zh": "你自己的图片"},
    "your_image.intro": {
        "en": "Photograph a piece of clothing (or upload a picture) and let the chosen run classify it. "
        "The photo is first made to look like a Fashion-MNIST image: grey, light object on a "
        "black background, cropped, shrunk and centred on 28×28 pixels.",
        "zh": "拍一件衣物（或上传一张图片），让所选的训练记录来分类。照片会先被处理成 Fashion-MNIST 的样子："
        "灰度、黑色背景上的浅色物体、裁剪、缩小并居中放在 28×28 的画布上。",
    },
    "your_image.upload": {
        "en": "Upload a PNG or JPEG (up to 5 MB)",
        "zh": "上传 PNG 或 JPEG 图片（最大 5 MB）",
    },
    "your_image.upload_hint": {  # Streamlit 1.67's uploader box has fixed English words
        "en": "Drag a picture onto the box, or press “Upload” to choose one (5 MB at most).",
        "zh": "把图片拖到上面的框里，或点击 “Upload”（上传）选择一张图片；框里的 "
        "“5MB per file” 是说每个文件最大 5 MB。",
    },
    "your_image.upload_help": {
        "en": "Best: one item, photographed from above on a plain background, filling most of the picture.",
        "zh": "效果最好：单件物品，从上方拍摄，背景单一，物品占据画面的大部分。",
    },
    "your_image.camera_toggle": {"en": "Use the camera instead", "zh": "改用摄像头"},
    "your_image.camera": {"en": "Take a photo", "zh": "拍照"},
    "your_image.waiting": {
        "en": "Upload a picture or take a photo to see what the model predicts.",
        "zh": "上传一张图片或拍一张照片，看看模型的预测。",
    },
    "your_image.original": {"en": "Your picture", "zh": "你的图片"},
    "your_image.input": {"en": "What the model sees (28×28)", "zh": "模型看到的（28×28）"},
    "your_image.inverted": {
        "en": "The background was light, so the picture was inverted.",
        "zh": "背景是浅色的，所以图片被反色了。",
    },
    "your_image.probs": {"en": "Softmax probabilities", "zh": "softmax 概率"},
    "your_image.verdict": {
        "en": "The model says **{pred}** with probability {p:.1%}.",
        "zh": "模型认为这是 **{pred}**，概率为 {p:.1%}。",
    },
    "your_image.why_title": {
        "en": "Why do real photos fool the model?",
        "zh": "为什么真实照片常常骗过模型？",
    },
    "your_image.why": {
        "en": "- **Different pictures.** Fashion-MNIST shows product photos: one item, centred, grey, "
        "28×28, on a black background. Shadows, folds, a patterned floor or a hand in the picture "
        "are things the model has never seen.\n"
        "- **A linear model on raw pixels.** The score of each class is `x @ W + b`: one weight per "
        "pixel. It cannot recognise a shape that is shifted, rotated or a different size; it only "
        "checks which pixels are bright (see the templates in the prediction gallery).\n"
        "- **Confident is not right.** Softmax always gives probabilities that sum to 1, even for "
        "a cat or a cup; a high probability does not mean the picture is a piece of clothing.",
        "zh": "- **图片不一样。** Fashion-MNIST 是商品照片：单件物品、居中、灰度、28×28、黑色背景。"
        "阴影、褶皱、有花纹的地板或画面中的手，模型都从来没见过。\n"
        "- **直接作用于像素的线性模型。** 每个类别的得分是 `x @ W + b`：每个像素一个权重。"
        "它无法识别平移、旋转或大小不同的形状，只是在看哪些像素亮（参见预测图库中的模板）。\n"
        "- **自信不等于正确。** softmax 给出的概率总是加起来等于 1，哪怕图片是一只猫或一个杯子；"
        "概率高并不表示图片里真的是衣物。",
    },
    "your_image.no_model": {
        "en": "Train a model (above) to see its prediction for this picture.",
        "zh": "先在上方训练一个模型，就能看到它对这张图片的预测。",
    },
    "your_image.err.empty": {
        "en": "The file is empty. Please choose a PNG or JPEG picture.",
        "zh": "文件是空的。请选择一张 PNG 或 JPEG 图片。",
    },
    "your_image.err.too_big": {
        "en": "The file is {mb:.1f} MB; the limit is {limit:.0f} MB. Please send a smaller picture.",
        "zh": "文件大小为 {mb:.1f} MB，上限是 {limit:.0f} MB。请换一张更小的图片。",
    },
    "your_image.err.too_many_pixels": {
        "en": "The picture has more than {limit:.0f} megapixels. Please send a smaller one.",
        "zh": "图片超过了 {limit:.0f} 百万像素。请换一张更小的图片。",
    },
    "your_image.err.too_long": {
        "en": "The picture is {width:,} × {height:,} pixels; a side may be at most {limit:,} pixels. "
        "Please send a smaller one.",
        "zh": "图片为 {width:,} × {height:,} 像素；每条边最多 {limit:,} 像素。请换一张更小的图片。",
    },
    "your_image.err.too_thin": {
        "en": "The picture is {width:,} × {height:,} pixels: too long and thin (one side is more than "
        "{limit} times the other). Please crop it closer to the item.",
        "zh": "图片为 {width:,} × {height:,} 像素，太细长了（一条边超过另一条边的 {limit} 倍）。"
        "请把图片裁剪到物品附近再试。",
    },
    "your_image.err.too_many_scans": {
        "en": "This JPEG is built from more than {limit} passes (progressive scans), far more than "
        "a camera makes, and would take too long to decode. Please save it again as an ordinary "
        "JPEG or as a PNG.",
        "zh": "这张 JPEG 由超过 {limit} 次扫描（渐进式扫描）组成，远多于相机生成的数量，解码会花太长时间。"
        "请把它重新保存为普通 JPEG 或 PNG。",
    },
    "your_image.err.too_slow": {
        "en": "Decoding this picture took more than {seconds} seconds of computing, so it was "
        "stopped. Please save it again as an ordinary JPEG or as a PNG.",
        "zh": "解码这张图片用了超过 {seconds} 秒的计算时间，已被停止。请把它重新保存为普通 JPEG 或 PNG。",
    },
    "your_image.err.not_image": {
        "en": "This file is not a PNG or JPEG picture. Please choose a photo (.png, .jpg, .jpeg).",
        "zh": "这个文件不是 PNG 或 JPEG 图片。请选择一张照片（.png、.jpg、.jpeg）。",
    },
    "your_image.err.corrupt": {
        "en": "The picture could not be read: the file looks damaged or incomplete. Please try another one.",
        "zh": "无法读取这张图片：文件似乎已损坏或不完整。请换一张试试。",
    },
    "your_image.err.blank": {
        "en": "No object found: the picture is (almost) one flat colour. Photograph an item on a plain "
        "background that contrasts with it.",
        "zh": "没有找到物体：图片（几乎）只有一种颜色。请在与物品颜色反差明显的单色背景上拍摄。",
    },
}
