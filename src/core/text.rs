//! Every sentence nnlab shows, in English and Chinese, in one table: the page's labels,
//! hints and notices, and the engine's messages (refused settings, files and links). A
//! message with parameters names them in braces, `{key}`, filled in by [`message`]. The
//! choices' own labels (an activation's name in both languages) stay with their variant,
//! and each config key's help with its row of the key table, so that adding one is one
//! place.
//!
//! The page does not carry the table in its .wasm (it was a tenth of it): `www/texts.txt`,
//! made from the table here and checked against it by a test, comes beside the .wasm, and
//! the page hands it to [`load`] before it starts.

use std::fmt::{Display, Write};

use super::Lang;

/// (key, English, Chinese)
#[cfg(not(target_arch = "wasm32"))]
const TEXTS: &[(&str, &str, &str)] = &[
    // ----- The page: labels, hints, notices.
    ("bench", "Benchmark", "性能测试"),
    (
        "bench-hint",
        "The same cases as `nnlab bench`, in this browser's wasm. The table fills in as the cases finish; the JSON appears below when all are done.",
        "与 `nnlab bench` 相同的测试，在本浏览器的 wasm 中运行。表格随各项完成逐步填写；全部完成后，JSON 结果显示在下方。",
    ),
    ("speed-title", "Epochs per animation frame", "每个动画帧训练的轮数"),
    (
        "boundary-label",
        "Decision boundary: the network's output over the plane, with the data points",
        "决策边界：网络在整个平面上的输出，以及数据点",
    ),
    (
        "loss-chart-label",
        "Training, validation and test loss over epochs",
        "训练损失、验证损失和测试损失随轮次的变化",
    ),
    ("lessons", "Lessons", "课程"),
    ("lessons-label", "Guided lessons", "引导式课程"),
    ("lesson", "Lesson", "课程"),
    ("lesson-of", "Lesson {i} of {n}", "第 {i} 课，共 {n} 课"),
    ("lesson-watch", "What to watch", "观察什么"),
    ("lesson-try", "Try this", "动手试一试"),
    ("lesson-expect", "What you should see", "你应该看到"),
    ("lesson-prev", "← Previous", "← 上一课"),
    ("lesson-next", "Next →", "下一课 →"),
    ("lesson-setup", "Set up again", "重新设置"),
    ("lesson-close", "Close the lessons", "关闭课程"),
    ("lesson-unknown", "There is no lesson", "没有这个课程："),
    ("lesson-prose-loading", "Loading the lesson's text…", "正在载入课程文字…"),
    (
        "lesson-prose-failed",
        "The lesson's text (lessons.txt, beside the page) could not be loaded. Reload the page to try again.",
        "课程文字（页面旁的 lessons.txt）未能载入，请刷新页面重试。",
    ),
    (
        "boot-unsupported",
        "This browser cannot run nnlab: its WebAssembly is too old. nnlab needs Safari 16.4, Chrome or Edge 96, Firefox 89 or newer. Update the browser, or open the page in another one.",
        "此浏览器无法运行 nnlab：它的 WebAssembly 太旧。nnlab 需要 Safari 16.4、Chrome 或 Edge 96、Firefox 89 或更新的版本。请更新浏览器，或换一个浏览器打开本页。",
    ),
    (
        "boot-download-failed",
        "The page's program (its .js and .wasm files, beside the page) could not be downloaded. Check the connection and reload the page.",
        "未能下载页面的程序（页面旁的 .js 和 .wasm 文件）。请检查网络连接后刷新页面。",
    ),
    ("boot-failed", "nnlab could not start:", "nnlab 无法启动："),
    ("present", "Presenting", "演示"),
    ("settings", "Settings", "设置"),
    ("projector", "Projector", "投影模式"),
    ("projector-label", "Projector mode: large type, thick lines, fewer panels", "投影模式：大字、粗线、少面板"),
    ("record", "Record video", "录制视频"),
    ("record-stop", "Stop and save video", "停止并保存视频"),
    ("record-failed", "Cannot record video:", "无法录制视频："),
    ("record-unsupported", "This browser cannot record video.", "此浏览器无法录制视频。"),
    (
        "record-empty",
        "The browser recorded no video frames, so there is nothing to save.",
        "浏览器没有录下任何画面，没有可保存的视频。",
    ),
    ("snapshot", "Save this panel as PNG", "将此面板保存为 PNG"),
    ("insights", "Inside the network", "网络内部"),
    ("activation-panel", "Activation and saturation", "激活函数与饱和"),
    ("layer", "Layer", "层"),
    ("layer-n", "Layer {}", "第 {} 层"),
    ("output-layer", "Output", "输出层"),
    ("saturated", "Saturated", "饱和比例"),
    ("dead", "Dead neurons", "死亡神经元"),
    (
        "activation-chart",
        "The activation f, its derivative f′ and a histogram of the chosen layer's inputs of f (z, or u after a normalisation)",
        "激活函数 f、导数 f′ 以及所选层中 f 的输入（z，归一化后为 u）的直方图",
    ),
    (
        "activation-hint",
        "Bars: where the inputs of f fall for the training points in the chosen layer: its pre-activations z, or u = γ·ẑ + β when the layer normalises. Red bands: f′ is below 10 % of its peak there, so almost no gradient passes.",
        "柱形：训练样本在所选层中 f 的输入落在哪里：净输入 z；该层做归一化时是 u = γ·ẑ + β。红色区域：那里 f′ 不到峰值的 10 %，几乎没有梯度能传过去（饱和）。",
    ),
    ("gradient-flow", "Gradient flow", "梯度流"),
    (
        "gradient-chart",
        "Each layer's weight-gradient norm over epochs, log scale",
        "各层权重梯度范数随轮次的变化（对数坐标）",
    ),
    (
        "gradient-hint",
        "The size of each layer's weight gradient ‖∂L/∂W‖ over the training set, on a log scale. A layer far below the others (vanishing) hardly learns; above the dashed line (exploding) its updates overshoot.",
        "每层权重梯度的大小 ‖∂L/∂W‖（整个训练集，对数坐标）。远低于其他层的层（梯度消失）几乎学不动；超过虚线（梯度爆炸）时更新会冲过头。",
    ),
    ("vanishing", "vanishing", "梯度消失"),
    ("landscape", "Loss landscape", "损失曲面"),
    ("landscape-directions", "Directions", "方向"),
    ("landscape-path", "Path (PCA)", "路径（主成分）"),
    ("landscape-random", "Random", "随机"),
    ("landscape-refresh", "Refresh", "刷新"),
    (
        "landscape-chart",
        "The training loss over a plane of weight space through the current weights, with the path the weights took",
        "训练损失在经过当前权重的权重空间平面上的分布，以及权重走过的路径",
    ),
    (
        "landscape-hint",
        "Colour: the training loss at the weights θ + α·d₁ + β·d₂ (log scale, dark is low), with contour lines; θ, the current weights, is the dot, at α = β = 0. The white path runs from its start (the ring) to the dot; in compare mode network B's is dashed. Random directions are scaled neuron by neuron to the weights' own size. Computed when training pauses or on Refresh. It is one flat slice through as many dimensions as the network has weights and biases.",
        "颜色：权重取 θ + α·d₁ + β·d₂ 时的训练损失（对数刻度，越暗越低），并画出等高线；θ 是当前权重，即 α = β = 0 处的圆点。白色路径从起点（圆环）通向圆点；对比模式下网络 B 的路径为虚线。随机方向按神经元缩放到权重自身的大小。训练暂停时或按“刷新”时计算。它只是一个平面切片，而损失所在空间的维数等于网络权重和偏置的个数。",
    ),
    (
        "landscape-explained",
        "The plane holds {share} of the path's spread.",
        "该平面容纳了路径 {share} 的方差。",
    ),
    (
        "landscape-one-point",
        "The path has one point so far: the directions are random.",
        "路径目前只有一个点：使用随机方向。",
    ),
    (
        "landscape-straight",
        "The path is a straight line so far: the second direction is random.",
        "路径目前是一条直线：第二个方向是随机的。",
    ),
    (
        "landscape-start",
        "Start: loss {loss}, at its point on the plane {plane}.",
        "起点：损失 {loss}，在平面上的投影处为 {plane}。",
    ),
    (
        "landscape-other-missing",
        "B's path is not drawn: B has other parameters (normalisation's γ and β, or another shape).",
        "未画出 B 的路径：B 的参数不同（归一化的 γ 和 β，或网络形状不同）。",
    ),
    (
        "landscape-waiting",
        "Pause training or press Refresh to map the loss.",
        "暂停训练或按“刷新”来计算损失曲面。",
    ),
    ("exploding", "exploding", "梯度爆炸"),
    (
        "tagline",
        "A neural network you can watch learn",
        "看得见学习过程的神经网络",
    ),
    ("training", "Training", "训练"),
    ("reset", "Reset the weights (R)", "重置权重（R）"),
    ("play", "Play (space)", "播放（空格）"),
    ("pause", "Pause (space)", "暂停（空格）"),
    ("step", "Train one epoch (→)", "训练一轮（→）"),
    ("epoch", "Epoch", "轮次"),
    ("speed", "Speed", "速度"),
    ("learning-rate", "Learning rate", "学习率"),
    ("clip", "Gradient clipping", "梯度裁剪"),
    ("clip-off", "off", "关闭"),
    ("dropout", "Dropout", "Dropout（随机丢弃）"),
    ("norm", "Hidden-layer norm", "隐藏层归一化"),
    ("batch-norm", "Batch norm", "批量归一化"),
    ("layer-norm", "Layer norm", "层归一化"),
    (
        "batch-norm-card",
        "Before f in hidden layer {layers}: μ and σ² over the batch in training, running estimates (momentum {momentum}) in evaluation; ε = {epsilon}",
        "在第 {layers} 个隐藏层的 f 之前：训练时在批次上求 μ 和 σ²，评估时用滑动估计（动量 {momentum}）；ε = {epsilon}",
    ),
    (
        "layer-norm-card",
        "Before f in hidden layer {layers}: μ and σ² over each point's neurons, the same in training and evaluation; ε = {epsilon}",
        "在第 {layers} 个隐藏层的 f 之前：在每个数据点的神经元上求 μ 和 σ²，训练和评估时相同；ε = {epsilon}",
    ),
    (
        "inspector-eval-mode",
        "The point is traced in evaluation mode, as the page evaluates the network: dropout drops nothing here. In training, each step drops a random share of the hidden outputs and scales the rest by 1/(1 − p).",
        "这里按评估模式追踪该数据点，与页面评估网络时一样：Dropout 在这里不丢弃任何输出。训练时，每一步都会随机丢弃一部分隐藏层输出，并把其余输出乘以 1/(1 − p)。",
    ),
    (
        "inspector-eval-mode-norm",
        "The point is traced in evaluation mode, where batch normalisation uses its running estimates of μ and σ², as every prediction does; in training it takes them from each batch.",
        "这里按评估模式追踪该数据点：批量归一化使用 μ 和 σ² 的滑动估计，与所有预测一样；训练时它使用每个批次的统计量。",
    ),
    ("dropout-card", "Inverted dropout, p = {rates}, in training only", "反向缩放的 Dropout，p = {rates}，仅在训练时"),
    (
        "dropout-card-layers",
        "Inverted dropout, p = {rates} by layer, in training only",
        "反向缩放的 Dropout，逐层 p = {rates}，仅在训练时",
    ),
    ("activation", "Activation", "激活函数"),
    ("loss", "Loss", "损失函数"),
    ("optimizer", "Optimizer", "优化器"),
    ("batch-size", "Batch size", "批大小"),
    ("regularization", "Regularization", "正则化"),
    ("reg-rate", "Regularization rate", "正则化率"),
    ("init", "Initialisation", "权重初始化"),
    ("dismiss", "Dismiss", "关闭"),
    ("data", "Data", "数据"),
    ("dataset", "Data set", "数据集"),
    ("noise", "Noise", "噪声"),
    ("points", "Points", "样本数"),
    ("train-ratio", "Training share", "训练集比例"),
    ("val-ratio", "Validation share", "验证集比例"),
    ("regenerate", "Regenerate", "重新生成"),
    ("show-test", "Show test points", "显示测试数据"),
    ("click-adds", "Click on the output adds", "点击输出图添加"),
    (
        "click-hint",
        "Shift-click adds the other class; right-click removes a point.",
        "按住 Shift 点击添加另一类；右键点击删除数据点。",
    ),
    ("import-csv", "Import CSV", "导入 CSV"),
    ("features", "Features", "输入特征"),
    ("normalize", "Normalisation", "输入归一化"),
    ("network", "Network", "网络结构"),
    ("remove-layer", "Remove a hidden layer", "删除一个隐藏层"),
    ("add-layer", "Add a hidden layer", "添加一个隐藏层"),
    ("output", "Output", "输出"),
    ("train-loss", "Training loss", "训练损失"),
    ("test-loss", "Test loss", "测试损失"),
    ("train-accuracy", "Training accuracy", "训练准确率"),
    ("test-accuracy", "Test accuracy", "测试准确率"),
    ("val-loss", "Validation loss", "验证损失"),
    ("val-accuracy", "Validation accuracy", "验证准确率"),
    ("discretize", "Discretize output", "离散化输出"),
    ("log-scale", "Log-scale loss", "损失取对数坐标"),
    ("more", "Stop condition, sharing and files", "停止条件、分享与文件"),
    ("stop-at", "Pause at epoch", "在此轮次暂停"),
    (
        "stop-patience",
        "Pause when the validation loss has not improved for … epochs (patience)",
        "验证损失连续多少轮未下降时暂停（耐心值）",
    ),
    (
        "patience-watches-val",
        "It watches the validation loss; the test set has no say.",
        "它监视验证损失，测试集不参与决定。",
    ),
    (
        "patience-watches-test",
        "No validation split (validation share 0%): it watches the test loss instead, so the test set decides when training stops.",
        "没有验证集（验证集比例为 0%）：改为监视测试损失，这样就由测试集决定何时停止训练。",
    ),
    ("stop-restore", "Go back to the best epoch's weights", "回到最佳轮次的权重"),
    ("copy-link", "Copy link", "复制链接"),
    ("save-model", "Save model", "保存模型"),
    ("load-model", "Load model", "加载模型"),
    ("export-png", "Boundary PNG", "导出决策边界 PNG"),
    ("export-loss", "Loss CSV", "导出损失 CSV"),
    ("export-python", "NumPy script", "导出 NumPy 脚本"),
    (
        "export-python-failed",
        "The NumPy script's template could not be loaded.",
        "无法载入 NumPy 脚本的模板。",
    ),
    ("remove", "Remove", "删除"),
    ("class", "Class", "类别"),
    ("value", "Value", "数值"),
    ("layers", "{n} hidden layer{s}", "{n} 个隐藏层"),
    ("ready", "Ready: press play to train.", "就绪：按播放键开始训练。"),
    ("running", "Training…", "训练中…"),
    ("paused", "Paused.", "已暂停。"),
    (
        "confusion",
        "Confusion matrix (test set): rows are true classes, columns predicted.",
        "混淆矩阵（测试集）：行为真实类别，列为预测类别。",
    ),
    ("confusion-corner", "true \\ predicted", "真实 \\ 预测"),
    ("regression-metrics", "Regression metrics", "回归指标"),
    ("metric", "metric", "指标"),
    ("train", "training", "训练集"),
    ("test", "test", "测试集"),
    ("train-curve", "training loss", "训练损失"),
    ("test-curve", "test loss", "测试损失"),
    ("val-curve", "validation loss", "验证损失"),
    // The same in compare mode's legend, after "A" or "B" (six entries must stay small).
    ("train-curve-short", "training", "训练"),
    ("test-curve-short", "test", "测试"),
    ("val-curve-short", "validation", "验证"),
    ("epoch-axis", "epoch", "轮次"),
    (
        "stop-invalid",
        "`{value}`: enter a whole number from 1 to {max}, or leave the field empty; keeping {kept}",
        "`{value}`：请输入 1 到 {max} 之间的整数，或留空；保留 {kept}",
    ),
    (
        "weight-invalid",
        "Enter a number from −10000 to 10000; the previous value stays.",
        "请输入 −10000 到 10000 之间的数字；保留原值。",
    ),
    (
        "link-copied",
        "Link copied: it reproduces this run.",
        "链接已复制，可复现本次训练。",
    ),
    ("copy-this", "Copy this link:", "请复制此链接："),
    // ----- The share dialog (src/web/share.rs) and its table (src/core/share.rs).
    ("share", "Share", "分享"),
    ("share-label", "Share with students: what they see, link and QR code", "分享给学生：选择显示的内容，复制链接或显示二维码"),
    ("share-title", "Share with students", "分享给学生"),
    ("share-what", "What students see", "学生能看到的内容"),
    ("share-settings", "Settings", "设置"),
    ("share-editing", "Network editing", "编辑网络"),
    ("share-panels", "Teaching panels", "教学面板"),
    ("share-files", "Files and sharing", "文件与分享"),
    ("share-data-panel", "The whole data panel", "整个数据面板"),
    ("share-layers", "Adding and removing layers", "增删隐藏层"),
    ("share-neurons", "Adding and removing neurons", "增删神经元"),
    ("share-layer-selects", "Per-layer activation, norm and dropout", "每层的激活函数、归一化与丢弃率"),
    ("share-edit-weights", "Editing weights by clicking", "点击编辑权重"),
    ("share-formulas", "Formula cards", "公式卡片"),
    ("share-challenge", "The goal's banner", "目标提示栏"),
    ("share-files-row", "Files: link, model, PNG, CSV", "文件：链接、模型、PNG、CSV"),
    ("restored-run", "Your last run of this link is back, at epoch {epoch}.", "已恢复此链接上次的训练，当前为第 {epoch} 轮。"),
    ("start-fresh", "Start fresh from the link", "从链接重新开始"),
    (
        "storage-refused",
        "The browser did not keep this run (its storage is full or turned off): a reload will start again from the link.",
        "浏览器没有保存本次训练（存储已满或已被禁用）：重新加载页面将从链接重新开始。",
    ),
    ("hidden-space", "Hidden space", "隐藏层空间"),
    ("hidden-space-layer", "Layer", "层"),
    ("hidden-space-x", "Across", "横轴"),
    ("hidden-space-y", "Up", "纵轴"),
    ("hidden-space-neuron", "Neuron {n}", "神经元 {n}"),
    ("hidden-space-pc", "Principal component {n}", "第 {n} 主成分"),
    ("hidden-space-canvas", "The training points where the chosen hidden layer puts them", "训练点在所选隐藏层空间中的位置"),
    ("hidden-space-none", "No hidden layer: add one to see the space it makes.", "没有隐藏层：添加一层，即可看到它形成的空间。"),
    ("hidden-space-explained", "The two components show {share}% of the spread of this layer's activations.", "这两个主成分表示了该层激活值 {share}% 的方差。"),
    (
        "hidden-space-hint",
        "Each training point sits at its activations in the layer, and the input plane's grid lines are carried through the same layers, so you see the plane bend and fold. In the last hidden layer the dashed line is the output's decision line: once the classes sit on its two sides, a straight line separates them.",
        "每个训练点画在它在该层的激活值处，输入平面的网格线也经过同样的层变换，可以看到平面如何弯曲、折叠。最后一个隐藏层中的虚线是输出层的决策线：当两类点分别落在它的两侧时，一条直线就能把它们分开。",
    ),
    ("share-goal", "Goal for students (optional)", "给学生的目标（可选）"),
    ("share-goal-none", "No goal: students explore freely.", "没有目标：学生自由探索。"),
    ("share-goal-metric", "Measure", "指标"),
    ("share-goal-op", "Comparison", "比较"),
    ("share-goal-value", "Number", "数值"),
    ("share-goal-add", "Add condition", "添加条件"),
    ("share-goal-remove", "Remove condition", "删除条件"),
    ("share-link", "Link", "链接"),
    ("share-copy", "Copy", "复制"),
    ("share-copied", "Copied", "已复制"),
    ("share-copy-by-hand", "Selected: press Ctrl+C (⌘C) to copy", "已选中：按 Ctrl+C（⌘C）复制"),
    ("share-qr", "QR code of the link", "链接的二维码"),
    ("share-large", "Show large", "放大显示"),
    ("share-preview", "Preview as students", "以学生视角预览"),
    ("share-preview-end", "Back to sharing", "返回分享"),
    (
        "share-too-long",
        "This link is too long for a QR code ({len} characters; one holds {max}). Copy the link instead.",
        "链接太长，无法生成二维码（{len} 个字符；二维码最多 {max} 个）。请改为复制链接。",
    ),
    (
        "share-points-too-long",
        "The drawn or imported points make it too long: hand out the points as a CSV file instead.",
        "手动添加或导入的点使链接过长：请改为分发这些点的 CSV 文件。",
    ),
    ("share-csv", "Download the points (CSV)", "下载这些点（CSV）"),
    ("share-qr-failed", "The QR code could not be drawn: the link still works.", "无法绘制二维码，但链接仍然可用。"),
    ("hide-unknown", "hide: no such control “{name}”", "hide：没有名为“{name}”的控件"),
    (
        "lang-unknown",
        "lang: “{value}” is not a language of this page (en, zh); following the browser's",
        "lang：“{value}”不是本页的语言（en、zh），改用浏览器的语言",
    ),
    ("points-data-too-long", "points-data: {len} characters, more than {max}", "points-data：{len} 个字符，超过 {max}"),
    ("points-data-base64", "points-data: character {n} is not base64url", "points-data：第 {n} 个字符不是 base64url"),
    ("points-data-header", "points-data: not a points encoding nnlab knows", "points-data：不是 nnlab 能识别的点编码"),
    ("points-data-truncated", "points-data: ends inside a point", "points-data：在某个点的中间结束"),
    ("points-data-problem", "points-data: the points are for another kind of data set", "points-data：这些点属于另一类数据集"),
    ("points-data-split", "points-data: point {n} has no split", "points-data：第 {n} 个点没有所属划分"),
    ("points-data-coordinate", "points-data: point {n} lies outside the plane", "points-data：第 {n} 个点在平面之外"),
    ("points-data-label", "points-data: point {n} has a class the data set lacks", "points-data：第 {n} 个点的类别不属于该数据集"),
    (
        "optimizer-reset",
        "The optimizer's memory (momentum, moments) was reset.",
        "优化器的状态（动量、矩估计）已重置。",
    ),
    (
        "data-regenerated",
        "The data set was generated anew; the weights were kept.",
        "数据已重新生成，权重保持不变。",
    ),
    (
        "network-resized",
        "The network changed shape; every other weight was kept.",
        "网络结构已改变，其余权重保持不变。",
    ),
    (
        "loss-replaced",
        "The loss did not suit the new data and was replaced by",
        "原损失函数不适用于新数据，已改为",
    ),
    (
        "url-rejected",
        "Some settings in the link were not usable and were replaced:",
        "链接中的部分设置无效，已替换：",
    ),
    ("model-loaded", "Model loaded.", "模型已加载。"),
    (
        "model-refused",
        "Model not loaded; the network is unchanged.",
        "未加载模型，网络保持不变。",
    ),
    (
        "points-refused",
        "No points imported; the data is unchanged.",
        "未导入数据点，数据保持不变。",
    ),
    ("file-unreadable", "the browser could not read the file", "浏览器无法读取该文件"),
    ("points-imported", "Points imported:", "已导入数据点："),
    ("stopped-epoch", "Paused at the chosen epoch.", "已到达设定轮次，暂停。"),
    (
        "stopped-patience",
        "Paused at epoch {epoch}: the validation loss has not improved since epoch {best} ({loss}).",
        "已在第 {epoch} 轮暂停：验证损失自第 {best} 轮（{loss}）以来没有下降。",
    ),
    (
        "stopped-patience-test",
        "Paused at epoch {epoch}: the test loss has not improved since epoch {best} ({loss}).",
        "已在第 {epoch} 轮暂停：测试损失自第 {best} 轮（{loss}）以来没有下降。",
    ),
    (
        "stopped-restored",
        "The weights of epoch {best} are back: the boundary and the readouts show that epoch.",
        "已恢复第 {best} 轮的权重：决策边界和各项数值显示的是那一轮的结果。",
    ),
    ("neurons", "neurons", "个神经元"),
    ("neuron", "neuron", "个神经元"),
    ("weight", "weight", "权重"),
    ("bias", "bias", "偏置"),
    ("language", "Language", "语言"),
    ("edit-hint", "Enter to set, Escape to cancel", "回车确认，Esc 取消"),
    // Backprop inspector.
    ("inspect", "Inspect", "逐步查看"),
    (
        "inspect-label",
        // Starts with the button's visible text, so a voice user who says it hits it.
        "Inspect: step through one point's forward and backward pass (backprop inspector)",
        "逐步查看：逐层查看一个数据点的前向传播与反向传播（反向传播检查器）",
    ),
    ("inspector", "Backprop inspector", "反向传播检查器"),
    (
        "inspect-hint",
        "Click a training point on the output to trace it through the network.",
        "在输出图上点击一个训练数据点，逐层查看它在网络中的计算。",
    ),
    ("prev-step", "Previous step (←)", "上一步（←）"),
    ("next-step", "Next step (→)", "下一步（→）"),
    ("close", "Close", "关闭"),
    ("forward", "Forward", "前向传播"),
    ("backward", "Backward", "反向传播"),
    ("loss-step", "Loss", "损失"),
    ("update-step", "Weight update", "权重更新"),
    (
        "clip-scaled",
        "Gradient clipping: ‖g‖ = {norm} > c = {clip}, so every gradient is scaled by c/‖g‖ = {scale} before the update.",
        "梯度裁剪：‖g‖ = {norm} > c = {clip}，因此在更新前把每个梯度乘以 c/‖g‖ = {scale}。",
    ),
    (
        "clip-kept",
        "Gradient clipping: ‖g‖ = {norm} ≤ c = {clip}, so nothing is clipped.",
        "梯度裁剪：‖g‖ = {norm} ≤ c = {clip}，因此梯度不变。",
    ),
    ("clipped-grad", "after clipping", "裁剪后"),
    ("chain-rule", "Chain rule", "链式法则"),
    ("local-grad", "local gradient", "局部梯度"),
    ("upstream-grad", "upstream gradient", "上游梯度"),
    ("neuron-col", "Neuron", "神经元"),
    ("link-col", "Link", "连接"),
    ("prediction", "Prediction", "预测值"),
    ("point", "Point", "数据点"),
    ("target", "label", "标签"),
    ("raw-score", "the raw output score", "原始输出分数"),
    ("starts-backward", "where the backward pass starts", "反向传播由此开始"),
    ("nodes-show-a", "The diagram shows each node's output a.", "网络图上标注了每个节点的输出 a。"),
    (
        "nodes-show-delta",
        "The diagram shows each node's δ = ∂L/∂z.",
        "网络图上标注了每个节点的 δ = ∂L/∂z。",
    ),
    (
        "update-note",
        "The change the optimizer would make if this point were the whole batch.",
        "假如本批次只有这一个数据点，优化器将做出的改变。",
    ),
    ("compare", "Compare", "对比"),
    (
        "compare-mode",
        "Compare mode: two networks on the same data",
        "对比模式：两个网络使用相同数据",
    ),
    ("compare-preset", "Compare", "对比内容"),
    ("choose-preset", "Choose a pair…", "选择一组对比…"),
    ("network-b", "Network B", "网络 B"),
    ("b-settings", "B differs from A in", "B 与 A 不同的设置"),
    ("boundary-b", "Network B's decision boundary", "网络 B 的决策边界"),
    (
        "b-diverged",
        "B diverged: change B's settings or the learning rate, then reset.",
        "B 已发散：请修改 B 的设置或学习率，然后重置。",
    ),
    ("panic-title", "Something went wrong inside nnlab", "nnlab 内部出错了"),
    (
        "panic-message",
        "The page has stopped. Your settings are in the address bar: reloading continues from them.",
        "页面已停止运行。你的设置保存在地址栏中：重新加载即可从这些设置继续。",
    ),
    ("panic-copy", "Copy details", "复制详细信息"),
    ("panic-copied", "Copied", "已复制"),
    ("panic-reload", "Reload", "重新加载"),
    // Challenges (`challenge=`, core::challenge).
    ("challenge", "Challenge", "挑战"),
    ("challenge-met", "Met at epoch {epoch}", "已在第 {epoch} 轮达成"),
    ("challenge-unmet", "not met yet", "尚未达成"),
    ("challenge-holds", "holds", "已满足"),
    (
        "challenge-capped",
        "Paused at epoch {epoch}: the challenge allows at most {max} epochs.",
        "已在第 {epoch} 轮暂停：挑战最多允许训练 {max} 轮。",
    ),
    ("challenge-condition", "{metric} {op} {value}", "{metric}{op} {value}"),
    ("challenge-lt", "below", "低于"),
    ("challenge-le", "at most", "不超过"),
    ("challenge-gt", "above", "高于"),
    ("challenge-ge", "at least", "不低于"),
    ("challenge-neurons", "Hidden neurons", "隐藏神经元个数"),
    ("challenge-layers", "Hidden layers", "隐藏层数"),
    ("challenge-features", "Input features", "输入特征个数"),
    ("challenge-epochs", "Epochs", "训练轮数"),
    ("challenge-r2", "Test R²", "测试集 R²"),
    (
        "challenge-no-op",
        "`{part}` has no comparison: write a measure, then <, <=, > or >=, then a number",
        "`{part}` 缺少比较符：应写成 指标、<、<=、> 或 >=、数字",
    ),
    (
        "challenge-unknown-metric",
        "`{part}`: `{value}` is not one of {names}",
        "`{part}`：`{value}` 不是可选指标（{names}）之一",
    ),
    ("challenge-not-a-number", "`{part}`: `{value}` is not a number", "`{part}`：`{value}` 不是数字"),
    ("challenge-not-whole", "`{part}`: a count is a whole number", "`{part}`：个数必须是整数"),
    ("challenge-never", "`{part}` can never be met", "`{part}` 永远无法满足"),
    (
        "challenge-too-many",
        "`{part}` and the rest: a challenge has at most {max} conditions",
        "`{part}` 及其后各项：一个挑战最多有 {max} 个条件",
    ),
    // ----- Values named in messages.
    ("value-off", "off", "关闭"),
    ("value-none", "none", "无"),
    ("problem-two-class", "two-class", "二分类"),
    ("problem-multi-class", "multi-class", "多分类"),
    ("problem-regression", "regression", "回归"),
    // ----- Refused settings (links, JSON configs, fields, the CLI).
    ("list-neuron-count", "a layer has 1 to {neurons} neurons", "每层 1 到 {neurons} 个神经元"),
    ("list-not-a-count", "`{part}` is not a neuron count", "`{part}` 不是神经元个数"),
    ("list-too-many-layers", "at most {layers} hidden layers", "最多 {layers} 个隐藏层"),
    ("config-unknown-key", "unknown setting `{key}`", "未知的设置项 `{key}`"),
    ("config-unknown-choice", "{key}: `{value}` is not one of {choices}", "{key}：`{value}` 不是可选值（{choices}）之一"),
    ("config-not-a-number", "{key}: `{value}` is not a number", "{key}：`{value}` 不是数字"),
    ("config-not-an-integer", "{key}: `{value}` is not a whole number", "{key}：`{value}` 不是整数"),
    (
        "config-out-of-range",
        "{key}: `{value}` is outside the allowed range {min}–{max}",
        "{key}：`{value}` 超出允许范围 {min}–{max}",
    ),
    ("config-bad-list", "{key}: `{value}`: {why}", "{key}：`{value}` 无效（{why}）"),
    (
        "config-loss-not-for-problem",
        "loss `{value}` does not apply to {problem} data",
        "损失函数 `{value}` 不适用于{problem}数据",
    ),
    (
        "config-too-long",
        "{key}: the value is {len} characters long, at most {max} are read",
        "{key}：取值长 {len} 个字符，最多读取 {max} 个",
    ),
    ("config-empty", "{key}: no value given", "{key}：没有给出取值"),
    (
        "config-repeated",
        "{key}: given {count} times; the last value, `{value}`, is used",
        "{key}：出现了 {count} 次，使用最后一个值 `{value}`",
    ),
    ("config-wrong-json-type", "{key}: expected a string or a number", "{key}：应为字符串或数字"),
    ("config-bad-json", "not a valid config: {why}", "配置文件无效：{why}"),
    (
        "config-shared-in-compare",
        "compare: `{key}` cannot differ, both networks share the data and the seed",
        "对比：`{key}` 不能不同，两个网络共用数据和随机种子",
    ),
    (
        "config-batch-norm-of-one",
        "{key}: `{value}`: batch normalisation needs batches of at least 2 points (a single point's variance is 0); \
         set batch to 2 or more, or choose another normalisation",
        "{key}：`{value}`：批量归一化要求每个批次至少有 2 个数据点（单个数据点的方差为 0）；请把 batch 设为 2 或以上，\
         或选择其他归一化方式",
    ),
    ("config-using", "{message}; using {used}", "{message}，改用 {used}"),
    ("config-keeping", "{message}; keeping {used}", "{message}，保留 {used}"),
    // ----- Model files.
    ("problem-two-classes", "two classes", "两个类别"),
    ("problem-classes", "{k} classes", "{k} 个类别"),
    ("problem-a-number", "a number (regression)", "一个数值（回归）"),
    ("expected-number", "a number", "数字"),
    ("expected-whole-number", "a whole number", "整数"),
    ("expected-list", "a list [...]", "数组 [...]"),
    ("expected-text", "a string", "字符串"),
    ("expected-object", "an object {...}", "对象 {...}"),
    ("at-path", "{path}: {reason}", "{path}：{reason}"),
    ("model-too-large", "the file is {size} MB; a model file is at most {max} MB", "文件大小为 {size} MB，模型文件最大 {max} MB"),
    ("model-not-json", "not valid JSON at line {line}, column {column}", "第 {line} 行第 {column} 列不是有效的 JSON"),
    ("model-truncated", "the file ends too early (line {line}): it is cut off", "文件在第 {line} 行提前结束，内容不完整"),
    ("model-missing", "is missing", "缺少此字段"),
    ("model-wrong-type", "expected {expected}", "应为{expected}"),
    (
        "model-not-finite",
        "is not a finite number (NaN and Infinity are not allowed)",
        "不是有限的数字（不允许 NaN 和 Infinity）",
    ),
    ("model-format", "expected \"{format}\", found \"{found}\"", "应为 \"{format}\"，实际为 \"{found}\""),
    (
        "model-version",
        "this nnlab reads versions {oldest} to {version}, the file is version {found}",
        "本程序读取第 {oldest} 至 {version} 版，该文件是第 {found} 版",
    ),
    ("model-no-features", "a model needs at least one input feature", "模型至少需要一个输入特征"),
    ("model-unknown-name", "`{found}` is not one of {names}", "`{found}` 不是可选值（{names}）之一"),
    ("model-repeated-feature", "`{name}` is listed twice", "`{name}` 重复出现"),
    (
        "model-per-feature",
        "has {found} value{s} but there are {features} features",
        "有 {found} 个值，但输入特征有 {features} 个",
    ),
    ("model-zero-scale", "a scale of 0 cannot be used", "缩放系数不能为 0"),
    ("model-no-layers", "a model needs at least its output layer", "模型至少需要输出层"),
    ("model-too-many-layers", "at most {max} hidden layers are supported", "最多支持 {max} 个隐藏层"),
    ("model-output-rows", "a {head} output has 1 row, found {rows}", "{head} 输出层应有 1 行，实际有 {rows} 行"),
    (
        "model-softmax-rows",
        "a softmax output has 2 to {max} rows, found {rows}",
        "softmax 输出层应有 2 到 {max} 行，实际有 {rows} 行",
    ),
    (
        "model-not-a-head",
        "the output layer is sigmoid, softmax or linear, not `{name}`",
        "输出层应为 sigmoid、softmax 或 linear，而不是 `{name}`",
    ),
    ("model-needs-pieces", "a maxout layer needs \"pieces\": {pieces}", "maxout 层需要 \"pieces\": {pieces}"),
    ("model-wrong-pieces", "{found} pieces is not supported here (use {wanted})", "不支持 {found} 个分段（应为 {wanted}）"),
    ("model-row-multiple", "needs a positive multiple of {pieces} rows, found {rows}", "行数应为 {pieces} 的正整数倍，实际有 {rows} 行"),
    ("model-too-many-neurons", "at most {max} neurons per layer are supported", "每层最多支持 {max} 个神经元"),
    ("model-bias-count", "has {found} value{s} for {rows} weight rows", "有 {found} 个值，但权重有 {rows} 行"),
    (
        "model-row-length",
        "has {found} value{s} but the layer has {inputs} inputs",
        "有 {found} 个值，但该层有 {inputs} 个输入",
    ),
    ("model-dropout-rate", "a dropout rate is a number from 0 to {max}", "丢弃率应为 0 到 {max} 之间的数"),
    ("model-output-dropout", "the output layer has no dropout", "输出层不能使用丢弃法（dropout）"),
    ("model-output-norm", "the output layer has no normalisation", "输出层不能使用归一化"),
    (
        "model-norm-length",
        "has {found} value{s} but the layer has {rows} neurons",
        "有 {found} 个值，但该层有 {rows} 个神经元",
    ),
    (
        "model-norm-length-pieces",
        "has {found} value{s} but the layer has {rows} pre-activations ({neurons} neurons with their maxout pieces)",
        "有 {found} 个值，但该层有 {rows} 个加权输入（{neurons} 个神经元及其 maxout 分段）",
    ),
    ("model-negative-variance", "a variance cannot be negative", "方差不能为负数"),
    (
        "model-wrong-problem",
        "the model predicts {model} but the data set needs {data}",
        "该模型预测{model}，但当前数据集需要{data}",
    ),
    // ----- CSV files.
    ("csv-too-large", "the file is {size} MB; a CSV file is at most {max} MB", "文件大小为 {size} MB，CSV 文件最大 {max} MB"),
    ("csv-unreadable", "unreadable CSV: {why}", "无法读取 CSV（{why}）"),
    ("csv-too-many-rows", "more than {max} data rows; the limit is {max}", "数据超过 {max} 行（上限为 {max} 行）"),
    (
        "csv-empty",
        "missing header: the file is empty; the first line must name the columns x, y and label",
        "缺少表头：文件是空的；第一行必须列出 x、y 和 label 列",
    ),
    ("csv-no-rows", "no data rows below the header", "表头下面没有数据行"),
    (
        "csv-no-train-row",
        "no row is marked train; training needs at least one point",
        "没有标记为 train 的行；训练至少需要一个数据点",
    ),
    ("csv-column-twice", "this column is named twice in the header", "表头中此列出现了两次"),
    (
        "csv-no-header",
        "missing header: the first line must name the columns x, y and label",
        "缺少表头：第一行必须列出 x、y 和 label 列",
    ),
    (
        "csv-missing-column",
        "missing required column `{name}`; the header must name x, y and label",
        "缺少必需的列 `{name}`；表头必须列出 x、y 和 label",
    ),
    (
        "csv-width",
        "expected {expected} fields as in the header, found {found}",
        "应有 {expected} 个字段（与表头一致），实际有 {found} 个",
    ),
    ("csv-outside-plane", "{value} lies outside the plane [−{plane}, {plane}]", "{value} 超出平面范围 [−{plane}, {plane}]"),
    ("csv-empty-cell", "empty cell; expected a number", "单元格为空，应为数字"),
    ("csv-not-a-number", "`{cell}` is not a number", "`{cell}` 不是数字"),
    (
        "csv-not-finite",
        "`{cell}` is not a finite number (NaN and infinity are not allowed)",
        "`{cell}` 不是有限的数字（不允许 NaN 和无穷大）",
    ),
    (
        "csv-bad-split",
        "`{cell}` is not a split; expected train, val or test",
        "`{cell}` 不是有效的划分，应为 train、val 或 test",
    ),
    (
        "csv-bad-label",
        "class label {label} is not a whole number from 0 to {max}; this data set has {classes} classes",
        "类别标签 {label} 不是 0 到 {max} 之间的整数；此数据集有 {classes} 个类别",
    ),
    ("csv-at-line-column", "line {line}, column {column}: {reason}", "第 {line} 行 {column} 列：{reason}"),
    ("csv-at-line", "line {line}: {reason}", "第 {line} 行：{reason}"),
    // ----- Input features, compare mode.
    (
        "features-unknown",
        "unknown feature `{name}`; expected one of {names}",
        "未知的输入特征 `{name}`，可选：{names}",
    ),
    ("features-repeated", "feature `{name}` is listed more than once", "输入特征 `{name}` 重复出现"),
    (
        "features-empty",
        "no features given; the network needs at least one input, from {names}",
        "没有输入特征；网络至少需要一个输入（{names}）",
    ),
    ("compare-same", "A and B are the same", "A 与 B 相同"),
    // ----- The page, with parameters.
    ("page-title", "nnlab — neural-network playground", "nnlab — 神经网络游乐场"),
    ("speed-one", "{speed} epoch/frame", "每帧 {speed} 轮"),
    ("speed-n", "{speed} epochs/frame", "每帧 {speed} 轮"),
    ("speed-max", "max (fills each frame)", "最快（每帧尽量多）"),
    ("layer-of", "layer {layer} of {layers}", "第 {layer} 层（共 {layers} 层）"),
    ("diagram-one-neuron", "{n} neuron", "{n} 个神经元"),
    ("diagram-neurons", "{n} neurons", "{n} 个神经元"),
    ("diagram-add-neuron", "Add a neuron to layer {layer}", "给第 {layer} 层添加一个神经元"),
    ("diagram-remove-neuron", "Remove a neuron from layer {layer}", "从第 {layer} 层删除一个神经元"),
    ("diagram-layer-activation", "Activation of layer {layer}", "第 {layer} 层的激活函数"),
    ("diagram-layer-dropout", "Dropout of layer {layer}", "第 {layer} 层的 Dropout"),
    ("diagram-layer-norm", "Normalisation of layer {layer}", "第 {layer} 层的归一化"),
    ("diagram-neuron", "neuron {neuron}, layer {layer}", "第 {layer} 层第 {neuron} 个神经元"),
    ("diagram-neuron-of", "neuron {neuron} of layer {layer}", "第 {layer} 层第 {neuron} 个神经元"),
    ("diagram-output", "output", "输出"),
    ("diagram-output-n", "output {neuron}", "第 {neuron} 个输出"),
    ("diagram-piece", "piece {piece}", "第 {piece} 段"),
    ("diagram-weight", "weight", "权重"),
    ("diagram-bias", "bias", "偏置"),
    ("diagram-input", "Input", "输入"),
    ("diagram-output-title", "Output", "输出"),
    // ----- A run that diverged.
    (
        "diverged",
        "Diverged in epoch {epoch}: {what} {which} became infinite or NaN. The last finite weights are kept. Lower the learning rate, or change the initialisation or activation, then play again, or reset.",
        "第 {epoch} 轮训练发散：{which}的{what}变成了无穷大或 NaN。已保留最后一组有限的权重。请降低学习率，或更换初始化方法或激活函数后再播放，或者重置。",
    ),
    ("diverged-output-layer", "layer {number} (the output layer)", "第 {number} 层（输出层）"),
    ("diverged-hidden-layer", "hidden layer {number}", "第 {number} 个隐藏层"),
    ("diverged-loss", "the loss computed from", "计算出的损失"),
    ("diverged-gradients", "the gradients of", "梯度"),
    ("diverged-weights", "the weights of", "权重"),
];

/// The table: the one above, natively.
#[cfg(not(target_arch = "wasm32"))]
fn table() -> &'static [(&'static str, &'static str, &'static str)] {
    TEXTS
}

/// The table: the one [`load`] read, in the page.
#[cfg(target_arch = "wasm32")]
fn table() -> &'static [(&'static str, &'static str, &'static str)] {
    LOADED.get().map_or(&[], Vec::as_slice)
}

#[cfg(target_arch = "wasm32")]
static LOADED: std::sync::OnceLock<Vec<(&'static str, &'static str, &'static str)>> = std::sync::OnceLock::new();

/// Takes the page's table, `www/texts.txt`'s text (see [`tsv`]), for the rest of the page's
/// life (so every text is `'static`, as natively). False if it came already or has no rows.
#[cfg(target_arch = "wasm32")]
pub fn load(tsv: String) -> bool {
    let rows = rows(tsv);
    !rows.is_empty() && LOADED.set(rows).is_ok()
}

/// The rows of a tab-separated table the page loaded (key, English, Chinese), kept for the
/// rest of the page's life, so that every text is `'static` as natively.
#[cfg(target_arch = "wasm32")]
pub(crate) fn rows(tsv: String) -> Vec<(&'static str, &'static str, &'static str)> {
    let tsv: &'static str = Box::leak(tsv.into_boxed_str());
    tsv.lines()
        .filter_map(|line| {
            let mut cells = line.split('\t');
            Some((cells.next()?, cells.next()?, cells.next()?))
        })
        .collect()
}

/// The table as the page loads it: one line per text, `key`, English and Chinese separated
/// by tabs (no text holds a tab or a line break; a test checks).
#[cfg(not(target_arch = "wasm32"))]
pub fn tsv() -> String {
    TEXTS
        .iter()
        .map(|(key, en, zh)| format!("{key}\t{en}\t{zh}\n"))
        .collect()
}

/// The text of `key` in `lang`; `?` if the key is unknown (visible, so a test finds it).
pub fn text(lang: Lang, key: &str) -> &'static str {
    table()
        .iter()
        .find(|(k, _, _)| *k == key)
        .map(|&(_, en, zh)| lang.pick(en, zh))
        .unwrap_or("?")
}

/// The message `key` in `lang` with its parameters filled in: each `{name}` of the text is
/// replaced by the value given for `name`.
pub fn message(lang: Lang, key: &str, args: &[(&str, &dyn Display)]) -> String {
    let template = text(lang, key);
    let mut out = String::with_capacity(template.len() + 16);
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        match after.find('}').map(|close| (&after[..close], close)) {
            Some((name, close)) if args.iter().any(|(n, _)| *n == name) => {
                if let Some((_, value)) = args.iter().find(|(n, _)| *n == name) {
                    let _ = write!(out, "{value}");
                }
                rest = &after[close + 1..];
            }
            // Not a parameter (a literal brace): keep it.
            _ => {
                out.push('{');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The `{name}` parameters of a text, sorted.
    fn parameters(text: &str) -> Vec<&str> {
        let mut names: Vec<&str> = text
            .split('{')
            .skip(1)
            .filter_map(|part| part.split_once('}').map(|(name, _)| name))
            .filter(|name| !name.is_empty() && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'))
            .collect();
        // `{s}` is the English plural ending; Chinese has none.
        names.retain(|name| *name != "s");
        names.sort_unstable();
        names.dedup();
        names
    }

    #[test]
    fn every_text_exists_in_both_languages_with_the_same_parameters() {
        for (i, &(key, en, zh)) in TEXTS.iter().enumerate() {
            assert!(TEXTS[..i].iter().all(|(k, _, _)| *k != key), "{key} twice");
            assert!(!en.trim().is_empty() && !zh.trim().is_empty(), "{key}: empty");
            assert_eq!(parameters(en), parameters(zh), "{key}: parameters differ");
        }
    }

    /// The page's copy of the table is this one. After a change here, write it anew with
    /// `NNLAB_WRITE_TEXTS=1 cargo test --release --lib texts_file`.
    #[test]
    fn the_pages_texts_file_is_this_table() {
        for (key, en, zh) in TEXTS {
            for part in [key, en, zh] {
                assert!(!part.contains(['\t', '\n', '\r']), "{key}: a tab or line break");
            }
        }
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/www/texts.txt");
        if std::env::var_os("NNLAB_WRITE_TEXTS").is_some() {
            std::fs::write(path, tsv()).expect("www/ is writable");
        }
        let file = std::fs::read_to_string(path).unwrap_or_default();
        assert!(
            file == tsv(),
            "www/texts.txt is not src/core/text.rs's table: run NNLAB_WRITE_TEXTS=1 cargo test --release --lib texts_file"
        );
    }

    #[test]
    fn a_message_fills_its_parameters_and_keeps_other_braces() {
        let filled = message(
            Lang::En,
            "config-out-of-range",
            &[("key", &"lr"), ("value", &"99"), ("min", &1e-6), ("max", &10.0)],
        );
        assert_eq!(filled, "lr: `99` is outside the allowed range 0.000001–10");
        let zh = message(
            Lang::Zh,
            "config-out-of-range",
            &[("key", &"lr"), ("value", &"99"), ("min", &1e-6), ("max", &10.0)],
        );
        assert_eq!(zh, "lr：`99` 超出允许范围 0.000001–10");
        assert_eq!(text(Lang::En, "no-such-key"), "?");
    }
}
