//! Every sentence of the page in English and Chinese. Static labels are found by the
//! `data-text` (text) and `data-text-label` (aria-label and title) attributes of the HTML;
//! labels of engine choices come from the choices themselves.

use crate::core::Lang;

/// (key, English, Chinese)
const TEXTS: &[(&str, &str, &str)] = &[
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
    ("loss-chart-label", "Training and test loss over epochs", "训练损失和测试损失随轮次的变化"),
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
    ("present", "Presenting", "演示"),
    ("projector", "Projector", "投影模式"),
    ("projector-label", "Projector mode: large type, thick lines, fewer panels", "投影模式：大字、粗线、少面板"),
    ("record", "Record video", "录制视频"),
    ("record-stop", "Stop and save video", "停止并保存视频"),
    ("record-failed", "Cannot record video:", "无法录制视频："),
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
        "The activation f, its derivative f′ and a histogram of the chosen layer's pre-activations z",
        "激活函数 f、导数 f′ 以及所选层净输入 z 的直方图",
    ),
    (
        "activation-hint",
        "Bars: where the chosen layer's pre-activations z fall for the training points. Red bands: f′ is below 10 % of its peak there, so almost no gradient passes.",
        "柱形：训练样本在所选层的净输入 z 落在哪里。红色区域：那里 f′ 不到峰值的 10 %，几乎没有梯度能传过去（饱和）。",
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
    ("discretize", "Discretize output", "离散化输出"),
    ("log-scale", "Log-scale loss", "损失取对数坐标"),
    ("more", "Stop condition, sharing and files", "停止条件、分享与文件"),
    ("stop-at", "Pause at epoch", "在此轮次暂停"),
    (
        "stop-patience",
        "Pause when the test loss has not improved for … epochs",
        "测试损失连续多少轮未下降时暂停",
    ),
    ("copy-link", "Copy link", "复制链接"),
    ("save-model", "Save model", "保存模型"),
    ("load-model", "Load model", "加载模型"),
    ("export-png", "Boundary PNG", "导出决策边界 PNG"),
    ("export-loss", "Loss CSV", "导出损失 CSV"),
    ("remove", "Remove", "删除"),
    ("class", "Class", "类别"),
    ("value", "Value", "数值"),
    ("layers", "hidden layers", "个隐藏层"),
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
        "Paused: the test loss stopped improving.",
        "测试损失不再下降，已暂停。",
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
];

/// The text of `key` in `lang`; the key itself if it is unknown (visible, so a test finds it).
pub fn text(lang: Lang, key: &str) -> &'static str {
    TEXTS
        .iter()
        .find(|(k, _, _)| *k == key)
        .map(|&(_, en, zh)| lang.pick(en, zh))
        .unwrap_or("?")
}

/// Writes every static text of the page in `lang`: `[data-text]` elements get their text,
/// `[data-text-label]` elements their aria-label and title, `[data-text-placeholder]` their placeholder.
pub fn apply(lang: Lang) -> super::dom::WebResult<()> {
    use wasm_bindgen::JsCast;
    let doc = super::dom::document()?;
    if let Some(root) = doc.document_element() {
        root.set_attribute("lang", lang.pick("en", "zh-CN"))?;
    }
    doc.set_title(lang.pick("nnlab — neural-network playground", "nnlab — 神经网络游乐场"));
    for (selector, attribute) in [
        ("[data-text]", "data-text"),
        ("[data-text-label]", "data-text-label"),
        ("[data-text-placeholder]", "data-text-placeholder"),
    ] {
        let nodes = doc.query_selector_all(selector)?;
        for i in 0..nodes.length() {
            let Some(element) = nodes.item(i).and_then(|n| n.dyn_into::<web_sys::Element>().ok()) else {
                continue;
            };
            let Some(key) = element.get_attribute(attribute) else {
                continue;
            };
            let value = text(lang, &key);
            if attribute == "data-text" {
                element.set_text_content(Some(value));
            } else if attribute == "data-text-placeholder" {
                element.set_attribute("placeholder", value)?;
            } else {
                element.set_attribute("aria-label", value)?;
                element.set_attribute("title", value)?;
            }
        }
    }
    Ok(())
}
