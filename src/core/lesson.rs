//! The guided lessons of a first neural-network course, as data: each lesson is a config
//! query that sets up the playground (and optionally a second network for side-by-side
//! compare mode) plus what to watch, one thing to try and what the student should see, in
//! English and Chinese. The tests at the bottom run every lesson's setup headless and
//! check that what `expect` promises really happens.

use super::config::{query_pairs, Config};
use super::loss::Loss;
use super::Lang;

/// A lesson's prose (what to watch, to try and to expect): compiled in natively, where the
/// tests read it; the page leaves it out of its .wasm and loads `www/lessons.txt` (made from
/// it, see [`tsv`]) after its first frame, since a first visit rarely opens a lesson (12 KB
/// less before the first boundary).
#[cfg(not(target_arch = "wasm32"))]
macro_rules! prose {
    ($text:expr) => {
        $text
    };
}
#[cfg(target_arch = "wasm32")]
macro_rules! prose {
    ($text:expr) => {
        ""
    };
}

/// The texts of one lesson in one language.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LessonText {
    pub title: &'static str,
    /// What to watch and why: the concept, in two to four sentences.
    pub watch: &'static str,
    /// One concrete change to make, naming the control as the page labels it.
    pub try_this: &'static str,
    /// What the student should have seen.
    pub expect: &'static str,
}

/// One guided lesson.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Lesson {
    pub id: &'static str,
    /// Config query that sets up the playground (keys of config::KEYS), e.g. "dataset=xor&hidden=3&activation=tanh&lr=0.03".
    pub setup: &'static str,
    /// Optional second network for side-by-side compare mode: config keys that differ from `setup`, as a query ("activation=relu&init=he"). None if the lesson uses one network.
    pub compare: Option<&'static str>,
    /// Optional goal shown while the lesson is open, as `challenge=` spells it
    /// (`core::challenge`); the tests check the setup can meet it.
    pub challenge: Option<&'static str>,
    pub en: LessonText,
    pub zh: LessonText,
}

impl Lesson {
    /// The texts in the given language (in the page, the prose is empty until
    /// [`load`] has it).
    pub fn text(&self, lang: Lang) -> LessonText {
        let text = match lang {
            Lang::En => self.en,
            Lang::Zh => self.zh,
        };
        #[cfg(target_arch = "wasm32")]
        let text = {
            let prose = |part: &str| {
                let key = format!("{}.{part}", self.id);
                LOADED
                    .get()
                    .and_then(|rows| rows.iter().find(|row| row.0 == key.as_str()))
                    .map_or("", |row| lang.pick(row.1, row.2))
            };
            LessonText {
                watch: prose("watch"),
                try_this: prose("try"),
                expect: prose("expect"),
                ..text
            }
        };
        text
    }

    /// The config of the lesson's (first) network.
    pub fn config(&self) -> Config {
        Config::from_query(self.setup).0
    }

    /// The config of the second network in compare mode: the setup with the compare keys
    /// applied on top through [`Config::set`]. A value `set` refuses is skipped (the tests
    /// check there is none).
    pub fn compare_config(&self) -> Option<Config> {
        let compare = self.compare?;
        let mut config = self.config();
        for (key, value) in query_pairs(compare) {
            let _ = config.set(&key, &value);
        }
        if !config.loss.supports(config.problem()) {
            config.loss = Loss::default_for(config.problem());
        }
        Some(config)
    }
}

/// The lessons' prose as the page loads it: one line per text, `id.part` (`watch`, `try`,
/// `expect`), English and Chinese separated by tabs (no text holds a tab or a line break).
#[cfg(not(target_arch = "wasm32"))]
pub fn tsv() -> String {
    let mut out = String::new();
    for lesson in LESSONS {
        let (en, zh) = (&lesson.en, &lesson.zh);
        for (part, en, zh) in [
            ("watch", en.watch, zh.watch),
            ("try", en.try_this, zh.try_this),
            ("expect", en.expect, zh.expect),
        ] {
            out.push_str(&format!("{}.{part}\t{en}\t{zh}\n", lesson.id));
        }
    }
    out
}

#[cfg(target_arch = "wasm32")]
static LOADED: std::sync::OnceLock<Vec<(&'static str, &'static str, &'static str)>> = std::sync::OnceLock::new();

/// Takes `www/lessons.txt`'s text (see [`tsv`]) for the rest of the page's life. False if
/// it came already or has no rows.
#[cfg(target_arch = "wasm32")]
pub fn load(tsv: String) -> bool {
    let rows = super::text::rows(tsv);
    !rows.is_empty() && LOADED.set(rows).is_ok()
}

/// Whether the lessons' prose is at hand (always natively).
pub fn prose_loaded() -> bool {
    #[cfg(target_arch = "wasm32")]
    return LOADED.get().is_some();
    #[cfg(not(target_arch = "wasm32"))]
    true
}

/// The lesson with this id.
pub fn find(id: &str) -> Option<&'static Lesson> {
    LESSONS.iter().find(|lesson| lesson.id == id)
}

/// Every lesson, in course order.
pub const LESSONS: &[Lesson] = &[
    Lesson {
        id: "one-neuron",
        setup: "dataset=linear&hidden=1&activation=tanh&lr=0.1&seed=1",
        compare: None,
        challenge: None,
        en: LessonText {
            title: "One neuron draws one line",
            watch: prose!("A single neuron multiplies each input by a weight, adds a bias and passes the sum \
                    through its activation function. Wherever that weighted sum is zero it draws a \
                    straight line across the plane, so one neuron can only split the points with a \
                    line. Watch the decision boundary in the output: it is always straight, and \
                    training only turns and shifts it."),
            try_this: prose!("Switch Data set to \"Circle inside a ring\" and press Play again."),
            expect: prose!("On the linearly separable data the line finds the gap between the classes and \
                     test accuracy reaches at least 95% within 50 epochs. On the circle no straight \
                     line can fence in the disc, so test accuracy stays below 80% however long you train."),
        },
        zh: LessonText {
            title: "一个神经元只能画一条直线",
            watch: prose!("单个神经元把每个输入乘以各自的权重，加上偏置，再把结果送进激活函数。加权和等于零的\
                    位置就是平面上的一条直线，所以一个神经元只能用一条直线把数据点分成两边。请观察输出图\
                    中的决策边界：它始终是直的，训练只是让它旋转和平移。"),
            try_this: prose!("把“数据集”改为“圆与外环”，再按播放。"),
            expect: prose!("在线性可分的数据上，这条直线能找到两类之间的空隙，50 轮之内测试准确率达到 95% 以上。\
                     换成圆形数据后，没有任何一条直线能把中间的圆盘围起来，无论训练多久，测试准确率都低于 80%。"),
        },
    },
    Lesson {
        id: "two-neurons",
        setup: "dataset=circle&hidden=2&activation=tanh&lr=0.1&seed=1",
        compare: None,
        challenge: None,
        en: LessonText {
            title: "Two neurons, two lines",
            watch: prose!("Now the hidden layer has two neurons. Each draws its own line, which you can see in \
                    its thumbnail in the network diagram, and the output neuron combines the two \
                    half-planes. Two lines can cut out a band or a wedge that covers more of the disc \
                    than one line, but they still cannot close around it."),
            try_this: prose!("Press Reset the weights a few times and train again each time."),
            expect: prose!("The boundary is made of two straight pieces that land in a different place after \
                     every reset but never enclose the disc. Test accuracy beats a single neuron by at \
                     least 5 points, yet stays below 90%: part of the ring always falls on the wrong side."),
        },
        zh: LessonText {
            title: "两个神经元，两条直线",
            watch: prose!("现在隐藏层有两个神经元。每个神经元各画一条直线（在网络结构图里它的缩略图中可以看到），\
                    输出神经元再把这两个半平面组合起来。两条直线能切出一条带状或楔形区域，比一条直线覆盖\
                    更多的圆盘，但仍然无法把它围住。"),
            try_this: prose!("按几次“重置权重”，每次都重新训练。"),
            expect: prose!("决策边界由两段直线组成，每次重置后落在不同的位置，但始终围不住中间的圆盘。测试准确率\
                     比单个神经元至少高 5 个百分点，但仍低于 90%：外环总有一部分落在错误的一侧。"),
        },
    },
    Lesson {
        id: "three-neurons",
        setup: "dataset=circle&hidden=3&activation=tanh&lr=0.1&seed=1",
        compare: None,
        challenge: None,
        en: LessonText {
            title: "Three lines make a triangle",
            watch: prose!("With three hidden neurons there are three lines, and the output neuron can ask for a \
                    point to lie on the inner side of all three. The overlap of those three half-planes \
                    is a triangle, and a triangle can enclose the disc. This is what a hidden layer does: \
                    the next layer combines simple linear cuts into a shape that no single cut could draw."),
            try_this: prose!("Find the three edges of the triangle in the thumbnails of the hidden neurons, then \
                       remove one neuron with the − button above the hidden layer and train on."),
            expect: prose!("Within 200 epochs the triangle closes around the disc and test accuracy reaches at \
                     least 95%. With only two neurons left it opens again and accuracy drops below 90%."),
        },
        zh: LessonText {
            title: "三条直线围成三角形",
            watch: prose!("有了三个隐藏神经元就有三条直线，输出神经元可以要求一个点同时位于三条直线的内侧。这三个\
                    半平面的重叠部分是一个三角形，而三角形可以把圆盘围起来。这正是隐藏层的作用：后一层把\
                    简单的线性切分组合成任何单条直线都画不出的形状。"),
            try_this: prose!("在隐藏神经元的缩略图中找出三角形的三条边，然后用隐藏层上方的 − 按钮删除一个神经元，\
                       继续训练。"),
            expect: prose!("200 轮之内三角形就把圆盘围住，测试准确率达到 95% 以上。只剩两个神经元时，三角形重新\
                     打开，准确率降到 90% 以下。"),
        },
    },
    Lesson {
        id: "xor",
        setup: "dataset=xor&hidden=1&activation=tanh&lr=0.1&seed=1",
        compare: None,
        challenge: Some("test-loss<0.1;neurons<=4"),
        en: LessonText {
            title: "XOR needs a hidden layer",
            watch: prose!("In the XOR data the class says whether x and y have the same sign, so opposite \
                    quadrants belong together. No single line can separate them: the best line gets three \
                    of the four quadrants right. Neurons in a hidden layer let the network bend its \
                    boundary, and XOR is the classic example of why that is needed."),
            try_this: prose!("Click the + button above the hidden layer until it has 4 neurons, then train again."),
            expect: prose!("With 1 hidden neuron the boundary is a single line and test accuracy stays below 80%. \
                     With 4 neurons it passes 98% within 300 epochs, and the boundary follows both axes."),
        },
        zh: LessonText {
            title: "异或问题需要隐藏层",
            watch: prose!("在异或（XOR）数据中，类别表示 x 和 y 是否同号，所以相对的两个象限属于同一类。任何一条\
                    直线都分不开它们：最好的直线也只能把四个象限中的三个分对。隐藏层中的神经元让网络能够\
                    弯折决策边界，异或正是说明为什么需要隐藏层的经典例子。"),
            try_this: prose!("点击隐藏层上方的 + 按钮，直到它有 4 个神经元，然后重新训练。"),
            expect: prose!("只有 1 个隐藏神经元时，决策边界是一条直线，测试准确率始终低于 80%。有 4 个神经元时，\
                     300 轮之内测试准确率超过 98%，决策边界沿着两条坐标轴分布。"),
        },
    },
    Lesson {
        id: "circle",
        setup: "dataset=circle&hidden=&features=x,y&lr=0.1&seed=1",
        compare: None,
        challenge: Some("test-accuracy>=98;layers<=0"),
        en: LessonText {
            title: "The right features make it easy",
            watch: prose!("This network has no hidden layer: it is a single output neuron, so with the inputs x \
                    and y it can only draw a line. But the class of the circle data depends on the \
                    distance from the centre, that is on x² + y². Feed x² and y² in as inputs and the \
                    circle becomes a straight cut in those new coordinates: a good choice of input \
                    features can do the work of a whole hidden layer."),
            try_this: prose!("In Features, switch on x² and y² (keep x and y on), then train again."),
            expect: prose!("With only x and y test accuracy stays below 80%. With x² and y² added it reaches at \
                     least 98% within 100 epochs, and the decision boundary is a circle even though the \
                     network is still one neuron."),
        },
        zh: LessonText {
            title: "选对输入特征，问题就变简单",
            watch: prose!("这个网络没有隐藏层，只有一个输出神经元，所以只用 x 和 y 作为输入时它只能画一条直线。\
                    但圆形数据的类别取决于点到中心的距离，也就是 x² + y²。把 x² 和 y² 也作为输入，圆在\
                    这些新坐标里就变成了一条直线切分：选好输入特征，可以完成一整个隐藏层的工作。"),
            try_this: prose!("在“输入特征”中打开 x² 和 y²（x 和 y 保持打开），然后重新训练。"),
            expect: prose!("只用 x 和 y 时，测试准确率低于 80%。加上 x² 和 y² 后，100 轮之内达到 98% 以上，而且\
                     虽然网络仍然只有一个神经元，决策边界却是一个圆。"),
        },
    },
    Lesson {
        id: "sigmoid-saturation",
        setup: "dataset=circle&hidden=8,8,8,8,8&activation=sigmoid&init=xavier&lr=0.1&seed=1",
        compare: None,
        challenge: None,
        en: LessonText {
            title: "Sigmoid and the vanishing gradient",
            watch: prose!("The slope of the sigmoid is at most 0.25, and almost zero once its input is far from \
                    0, where the neuron saturates. Backpropagation multiplies by one such slope per layer, \
                    so in a deep sigmoid network the gradient shrinks on its way back to the first layers: \
                    the vanishing gradient problem. Watch the Gradient flow chart, where the first hidden \
                    layer lies far below the last, and the loss curve, which stays flat."),
            try_this: prose!("Train for 100 epochs. Then press Remove a hidden layer until one layer is left, \
                       press Reset the weights and train again."),
            expect: prose!("At the start the first hidden layer's weight gradient is more than 100 times smaller \
                     than the last hidden layer's. After 100 epochs the five-layer network's training loss \
                     is still about 0.69, no better than a 50/50 guess. The same sigmoid neurons in a \
                     single hidden layer of 8 reach at least 95% test accuracy within 100 epochs."),
        },
        zh: LessonText {
            title: "Sigmoid 与梯度消失",
            watch: prose!("Sigmoid 的斜率最大只有 0.25，输入一旦远离 0，神经元就进入饱和区，斜率几乎为零。反向\
                    传播每经过一层都要乘上一个这样的斜率，所以在很深的 Sigmoid 网络中，梯度传回前面几层时\
                    已经变得非常小，这就是梯度消失。请观察“梯度流”图中第一个隐藏层的曲线远低于最后一层，\
                    以及几乎保持平坦的损失曲线。"),
            try_this: prose!("先训练 100 轮。然后反复点击“删除一个隐藏层”，直到只剩一层，再按“重置权重”重新训练。"),
            expect: prose!("训练开始时，第一个隐藏层的权重梯度比最后一个隐藏层小 100 倍以上。训练 100 轮后，五层\
                     网络的训练损失仍在 0.69 左右，并不比 50/50 的随机猜测好。同样的 Sigmoid 神经元放在一个\
                     有 8 个神经元的隐藏层里，100 轮之内测试准确率就能达到 95% 以上。"),
        },
    },
    Lesson {
        id: "relu-vs-sigmoid",
        setup: "dataset=circle&hidden=8,8,8,8,8&activation=sigmoid&init=xavier&lr=0.03&seed=1",
        compare: Some("activation=relu&init=he"),
        challenge: None,
        en: LessonText {
            title: "ReLU with He initialisation",
            watch: prose!("Both networks have five hidden layers of 8 neurons. On the left every hidden neuron is \
                    a sigmoid with Xavier initialisation, on the right a ReLU with He initialisation. The \
                    slope of ReLU is exactly 1 wherever the neuron is active, and He initialisation scales \
                    the weights so the signal keeps its size from layer to layer, so the gradient reaches \
                    the first layer without fading away."),
            try_this: prose!("Play both for 30 epochs. Then set Initialisation on the right to Small random and \
                       press Reset the weights."),
            expect: prose!("At the start the sigmoid network's first-layer gradient is over 100 times smaller than \
                     its last hidden layer's, while in the ReLU network the two stay within a factor of 20. \
                     After 30 epochs the ReLU network passes 95% test accuracy, while the sigmoid one's \
                     training loss is still about 0.69, the loss of a 50/50 guess. With small random weights the ReLU network stalls too: activation \
                     function and weight initialisation have to suit each other."),
        },
        zh: LessonText {
            title: "ReLU 搭配 He 初始化",
            watch: prose!("两个网络都有五个隐藏层，每层 8 个神经元。左边的隐藏神经元都是 Sigmoid，使用 Xavier \
                    初始化；右边都是 ReLU，使用 He 初始化。ReLU 在神经元激活时斜率恰好为 1，而 He 初始化\
                    按输入个数缩放权重，使信号在层与层之间保持大小，所以梯度传到第一层时不会消失。"),
            try_this: prose!("两个网络同时训练 30 轮。然后把右边的“权重初始化”改为“小随机数”，按“重置权重”。"),
            expect: prose!("训练开始时，Sigmoid 网络第一层的梯度比最后一个隐藏层小 100 倍以上，而 ReLU 网络两者\
                     相差不到 20 倍。30 轮后，ReLU 网络的测试准确率超过 95%，\
                     而 Sigmoid 网络的训练损失仍在 0.69 左右，相当于 50/50 随机猜测的损失。\
                     改用小随机数初始化后，ReLU 网络同样停滞不前：激活函数和权重初始化必须相互匹配。"),
        },
    },
    Lesson {
        id: "init-symmetry",
        setup: "dataset=circle&hidden=4&activation=sigmoid&init=zeros&lr=0.3&seed=1",
        compare: Some("init=xavier"),
        challenge: None,
        en: LessonText {
            title: "Why weights must not start at zero",
            watch: prose!("If every weight starts at zero, all hidden neurons compute the same output and receive \
                    the same gradient, so every update keeps them identical. However wide the layer is, it \
                    then acts like a single neuron. Random initialisation breaks this symmetry so that each \
                    neuron can learn something different. Left: all weights zero; right: Xavier."),
            try_this: prose!("Train both for 200 epochs and compare the thumbnails of the four hidden neurons on \
                       each side."),
            expect: prose!("On the left the four thumbnails stay identical, the boundary is one straight line and \
                     test accuracy stays below 80%. On the right the four neurons draw different lines that \
                     together enclose the disc, with at least 95% test accuracy."),
        },
        zh: LessonText {
            title: "权重为什么不能全部初始化为零",
            watch: prose!("如果所有权重都从零开始，隐藏层的每个神经元输出相同，得到的梯度也相同，于是每次更新后\
                    它们仍然一模一样。无论这一层有多宽，它的作用都只相当于一个神经元。随机的权重初始化打破\
                    了这种对称性，让每个神经元学到不同的东西。左边：权重全为零；右边：Xavier 初始化。"),
            try_this: prose!("两个网络都训练 200 轮，比较两边四个隐藏神经元的缩略图。"),
            expect: prose!("左边四个缩略图始终完全相同，决策边界是一条直线，测试准确率低于 80%。右边四个神经元\
                     画出不同的直线，合起来围住圆盘，测试准确率达到 95% 以上。"),
        },
    },
    Lesson {
        id: "normalization",
        setup: "dataset=circle&features=x,y,x2,y2&normalize=none&hidden=4&activation=tanh&lr=2&batch=250&seed=1",
        compare: Some("normalize=standard"),
        challenge: None,
        en: LessonText {
            title: "Normalise the inputs",
            watch: prose!("The left network reads x, y, x² and y² as they are: x stays within ±6 but x² reaches \
                    36, so the weights of the squared inputs get far larger gradients than the others. One \
                    learning rate cannot suit both, and the steps that suit x overshoot for x². \
                    Standardisation rescales every feature to mean 0 and standard deviation 1, so all \
                    weights learn at a similar pace. Each step here uses all 250 training points."),
            try_this: prose!("Play both and watch the training loss curves, then set Normalisation on the left to \
                       Standardization (z-score) and press Reset the weights."),
            expect: prose!("The standardised network brings the training loss below 0.1 in at most half the epochs \
                     the raw one needs."),
        },
        zh: LessonText {
            title: "输入归一化",
            watch: prose!("左边的网络直接读入原始的 x、y、x² 和 y²：x 在 ±6 之内，而 x² 最大可达 36，所以平方项\
                    权重得到的梯度比其他权重大得多。同一个学习率无法同时照顾两者，适合 x 的步长对 x² 来说\
                    就太大了。标准化把每个特征缩放到均值为 0、标准差为 1，让所有权重以相近的速度学习。这里\
                    每一步都使用全部 250 个训练样本。"),
            try_this: prose!("同时训练两个网络并观察训练损失曲线，然后把左边的“输入归一化”改为“标准化（z-score）”，\
                       按“重置权重”。"),
            expect: prose!("标准化的网络把训练损失降到 0.1 以下所需的轮数，最多只有原始输入网络的一半。"),
        },
    },
    Lesson {
        id: "batch-norm",
        setup: "dataset=circle&hidden=8,8,8,8,8&activation=sigmoid&init=xavier&lr=0.1&norm=none&seed=1",
        compare: Some("norm=batch"),
        challenge: None,
        en: LessonText {
            title: "Batch normalisation against the vanishing gradient",
            watch: prose!("Both networks are the five-layer sigmoid network of the vanishing-gradient lesson. The \
                    right one normalises every hidden layer's weighted inputs over each batch before the \
                    sigmoid: each neuron's z is shifted and scaled to mean 0 and variance 1, then a learned \
                    γ and β set its scale and offset. The sigmoid's inputs stay near 0, where its slope is \
                    largest, so the gradient reaches the first layers. Watch the Gradient flow chart and the \
                    Activations panel's histogram of f's inputs."),
            try_this: prose!("Train both for 100 epochs. Then set Hidden-layer norm on the left to Batch norm: the \
                       weights stay, and the left network starts to learn from where it stood."),
            expect: prose!("On the right the first and last hidden layers' weight gradients stay within 10 times \
                     of each other, against more than 100 times on the left, and within 100 epochs the \
                     right network reaches at least 95% test accuracy while the left one's training loss \
                     stays near 0.69."),
        },
        zh: LessonText {
            title: "用批量归一化对抗梯度消失",
            watch: prose!("两个网络都是“梯度消失”那一课的五层 Sigmoid 网络。右边的网络在每个隐藏层的 Sigmoid 之前，\
                    先在每个批次上对加权输入做归一化：把每个神经元的 z 平移、缩放到均值为 0、方差为 1，再由\
                    学习得到的 γ 和 β 决定它的缩放和偏移。这样 Sigmoid 的输入始终在 0 附近，斜率最大，梯度\
                    就能传回前面几层。请观察“梯度流”图，以及“激活”面板中 f 的输入的直方图。"),
            try_this: prose!("两个网络都训练 100 轮。然后把左边的“隐藏层归一化”改为“批量归一化”：权重保持不变，左边的\
                       网络从原来的位置开始学习。"),
            expect: prose!("右边第一个和最后一个隐藏层的权重梯度相差不到 10 倍，而左边相差 100 倍以上；100 轮之内，\
                     右边的网络测试准确率达到 95% 以上，而左边的训练损失仍在 0.69 附近。"),
        },
    },
    Lesson {
        id: "overfitting",
        setup: "dataset=xor&points=100&noise=50&hidden=16,16&activation=tanh&optimizer=adam&lr=0.01&seed=1",
        compare: None,
        challenge: None,
        en: LessonText {
            title: "Overfitting: learning the noise",
            watch: prose!("A large network, two hidden layers of 16 neurons, trains on only 50 noisy points. It \
                    has far more weights than the pattern needs, so once it has learned the pattern it \
                    starts bending its boundary around single noisy points. Watch the two loss curves: the \
                    training loss keeps falling while the test loss bottoms out early and then climbs. \
                    That widening gap is overfitting: the network fits its training set and generalises worse."),
            try_this: prose!("Tick Show test points and look at the small islands the boundary draws around \
                       single training points."),
            expect: prose!("The test loss is lowest within the first 100 epochs; by epoch 300 it has grown to at \
                     least 1.5 times that minimum, while the training loss has fallen to a quarter of the \
                     test loss or less."),
        },
        zh: LessonText {
            title: "过拟合：把噪声也学了进去",
            watch: prose!("一个很大的网络（两个隐藏层，每层 16 个神经元）只用 50 个带噪声的样本训练。它的权重远多\
                    于规律本身所需，所以学会规律之后，就开始把决策边界绕到个别噪声点周围。请观察两条损失\
                    曲线：训练损失一直下降，测试损失却很早就到达最低点，然后回升。两者之间不断扩大的差距\
                    就是过拟合：网络记住了训练集，泛化能力反而变差。"),
            try_this: prose!("勾选“显示测试数据”，观察决策边界围绕单个训练点画出的小岛。"),
            expect: prose!("测试损失在前 100 轮内达到最低；到第 300 轮时，它至少回升到最低值的 1.5 倍，而训练损失\
                     已降到测试损失的四分之一或更低。"),
        },
    },
    Lesson {
        id: "regularization",
        setup: "dataset=xor&points=100&noise=50&hidden=16,16&activation=tanh&optimizer=adam&lr=0.01&reg=none&seed=1",
        compare: Some("reg=l2&reg-rate=0.01"),
        challenge: None,
        en: LessonText {
            title: "L2 regularization keeps the weights small",
            watch: prose!("L2 regularization adds λ/2 times the sum of the squared weights to the loss, so every \
                    step also pulls each weight a little towards zero (weight decay). Smaller weights give \
                    a smoother boundary that cannot wrap around single noisy points. Both networks are the \
                    overfitting setup of the last lesson; the right one adds L2 with λ = 0.01."),
            try_this: prose!("Train both for 300 epochs, then set Regularization rate on the right to 0.1 and \
                       press Reset the weights."),
            expect: prose!("After 300 epochs the L2 network has the smaller total weight norm and the smaller gap \
                     between test and training loss. At a rate of 0.1 the penalty outweighs the data: the \
                     weights shrink to almost nothing and the training loss stays near 0.69, no better \
                     than guessing (underfitting)."),
        },
        zh: LessonText {
            title: "L2 正则化让权重保持较小",
            watch: prose!("L2 正则化在损失函数中加上 λ/2 乘以所有权重的平方和，所以每一步都会把每个权重往零拉\
                    一点（权重衰减）。较小的权重带来更平滑的决策边界，无法绕到个别噪声点周围。两个网络都\
                    是上一课的过拟合设置，右边的网络加上了 λ = 0.01 的 L2 正则化。"),
            try_this: prose!("两个网络都训练 300 轮，然后把右边的“正则化率”改为 0.1，按“重置权重”。"),
            expect: prose!("300 轮后，使用 L2 的网络权重总范数更小，测试损失与训练损失之间的差距也更小。正则化率\
                     为 0.1 时，惩罚项压过了数据：权重几乎缩到零，训练损失停留在 0.69 附近，\
                     和随机猜测差不多（欠拟合）。"),
        },
    },
    Lesson {
        id: "dropout",
        setup: "dataset=xor&points=100&noise=50&hidden=16,16&activation=tanh&optimizer=adam&lr=0.01&dropout=0&seed=1",
        compare: Some("dropout=0.3"),
        challenge: None,
        en: LessonText {
            title: "Dropout: a different thinned network at every step",
            watch: prose!("Dropout switches off a random share of each hidden layer's neurons at every training \
                    step, here 30 %, and scales up the rest so the layer's output keeps its size. No neuron \
                    can count on a particular partner being there, so the network cannot build the fragile \
                    combinations that fit single noisy points. When it is evaluated (the losses, the \
                    boundary) every neuron is on. Both networks are the overfitting setup; the right one \
                    adds dropout 0.3."),
            try_this: prose!("Train both for 300 epochs and compare the gaps between test and training loss. Then \
                       type 0.7 into Dropout in the top bar, which sets the left network, and press Reset the \
                       weights."),
            expect: prose!("After 300 epochs the network with dropout has the smaller gap between test and \
                     training loss, and its boundary has fewer islands around single points; its training \
                     loss stays higher, because every step trains a thinned network. At 0.7 the left one \
                     keeps so few neurons per step that it learns slowly: after 300 epochs its training \
                     loss is above the right one's."),
        },
        zh: LessonText {
            title: "Dropout：每一步训练一个不同的“变瘦”的网络",
            watch: prose!("Dropout 在每个训练步随机关闭每个隐藏层中一部分神经元（这里是 30%），并把其余神经元的输出\
                    放大，使这一层输出的大小保持不变。任何神经元都不能依赖某个固定的伙伴，所以网络无法形成\
                    只为拟合个别噪声点的脆弱组合。评估时（计算损失、画决策边界）所有神经元都参与。两个网络\
                    都是过拟合那一课的设置，右边的网络加上了 0.3 的 Dropout。"),
            try_this: prose!("两个网络都训练 300 轮，比较测试损失与训练损失之间的差距。然后在顶栏的 Dropout 中输入 \
                       0.7（它设置左边的网络），按“重置权重”。"),
            expect: prose!("300 轮后，使用 Dropout 的网络测试损失与训练损失之间的差距更小，决策边界围绕单个数据点的\
                     小岛也更少；它的训练损失较高，因为每一步训练的都是一个“变瘦”的网络。为 0.7 时，左边的\
                     网络每一步保留的神经元太少，学得很慢：300 轮后它的训练损失高于右边的网络。"),
        },
    },
    Lesson {
        id: "early-stopping",
        setup: "dataset=xor&points=200&noise=50&val-ratio=30&hidden=16,16&activation=tanh&optimizer=adam&lr=0.01&seed=1",
        compare: None,
        challenge: None,
        en: LessonText {
            title: "Early stopping on a validation set",
            watch: prose!("30% of the points are held out as a validation set: the network never trains on them, \
                    and the test set is kept for the final verdict. This big network over-fits the noisy \
                    points: the training loss keeps falling, but the validation loss reaches a minimum \
                    after a few dozen epochs and then rises. Early stopping watches the validation loss \
                    and pauses training once it has not improved for a set number of epochs, the patience; \
                    the weights of the best epoch can then be restored."),
            try_this: prose!("Open Stop condition, sharing and files under the chart, type 20 into the patience \
                       field, tick Go back to the best epoch's weights, and press Play."),
            expect: prose!("The validation loss is lowest within the first 50 epochs; by epoch 200 it is at least \
                     1.5 times that minimum, while the training loss is lower than at the minimum. With \
                     patience 20 training pauses exactly 20 epochs after the minimum, which is also the \
                     lowest validation loss of a 400-epoch run, and the weights go back to that epoch: the \
                     boundary and the validation loss are those of the best epoch."),
        },
        zh: LessonText {
            title: "早停：用验证集决定何时停止训练",
            watch: prose!("30% 的数据点被留作验证集：网络从不在这些点上训练，测试集则留到最后做评判。这个大网络会\
                    过拟合带噪声的数据：训练损失一直下降，而验证损失在几十轮后到达最低点，然后回升。早停\
                    监视验证损失，当它连续若干轮（耐心值）没有下降时暂停训练；之后还可以恢复到最佳轮次的\
                    权重。"),
            try_this: prose!("打开图表下方的“停止条件、分享与文件”，在耐心值一栏输入 20，勾选“回到最佳轮次的权重”，\
                       然后按“播放”。"),
            expect: prose!("验证损失在前 50 轮内达到最低；到第 200 轮时，它至少是最低值的 1.5 倍，而训练损失比最低点\
                     时更低。耐心值为 20 时，训练恰好在最低点之后 20 轮暂停，这个最低点也是训练 400 轮中验证\
                     损失的最低值；权重随后回到那一轮：决策边界和验证损失都是最佳轮次的。"),
        },
    },
    Lesson {
        id: "optimizers",
        setup: "dataset=circle&hidden=6&activation=tanh&optimizer=sgd&lr=0.01&seed=1",
        compare: Some("optimizer=adam"),
        challenge: None,
        en: LessonText {
            title: "SGD versus Adam",
            watch: prose!("Both networks start from the same weights with the same learning rate, 0.01. Plain SGD \
                    steps against the gradient by a fixed multiple of it, so where the loss surface is \
                    flat it crawls. Adam keeps running averages of the gradient (momentum) and of its \
                    square and divides one by the root of the other, which gives every weight a step of \
                    useful size. Left: SGD; right: Adam."),
            try_this: prose!("Play both and note the epoch at which each training loss drops below 0.1, then set \
                       Optimizer on the left to Momentum and press Reset the weights."),
            expect: prose!("Adam gets the training loss below 0.1 within 100 epochs, at least 4 times sooner than \
                     SGD. Momentum also beats plain SGD by a wide margin."),
        },
        zh: LessonText {
            title: "SGD 与 Adam 的比较",
            watch: prose!("两个网络从相同的权重出发，学习率都是 0.01。普通的随机梯度下降（SGD）每步沿梯度反方向\
                    移动梯度的固定倍数，所以在损失曲面平坦的地方走得很慢。Adam 优化器分别记录梯度（动量）\
                    和梯度平方的滑动平均，并用后者的平方根去除前者，让每个权重都得到大小合适的步长。左边：\
                    SGD；右边：Adam。"),
            try_this: prose!("同时训练两个网络，记下各自训练损失降到 0.1 以下的轮次，然后把左边的“优化器”改为\
                       “动量法（Momentum）”，按“重置权重”。"),
            expect: prose!("Adam 在 100 轮之内把训练损失降到 0.1 以下，比 SGD 至少快 4 倍。动量法也远远快于普通 SGD。"),
        },
    },
    Lesson {
        id: "momentum",
        setup: "dataset=plane&hidden=4&activation=tanh&optimizer=sgd&lr=0.05&batch=500&seed=1",
        compare: Some("optimizer=momentum"),
        challenge: None,
        en: LessonText {
            title: "Momentum rolls like a ball",
            watch: prose!("Both networks fit the same tilted plane from the same weights, and every step uses the \
                    whole training split, so each path is smooth. Left: plain gradient descent steps against \
                    the gradient. Right: momentum adds each gradient to a velocity that keeps 90% of itself \
                    from one step to the next, so the weights move like a ball rolling downhill: they gather \
                    speed on a long slope and roll past the bottom before they turn. The loss landscape panel \
                    draws both paths on the plane of the left network's path."),
            try_this: prose!("Play both for 100 epochs, pause, and look at the loss landscape panel: the white path is \
                       SGD's, the dashed one momentum's."),
            expect: prose!("After 100 epochs momentum's training loss is lower than SGD's and its weights have travelled \
                     at least 3 times as far. On the map SGD's path runs straight to its dot without turning, while \
                     momentum's path shoots past that dot along the first direction and curves back."),
        },
        zh: LessonText {
            title: "动量法像滚动的球",
            watch: prose!("两个网络从相同的权重出发，拟合同一个倾斜平面，每一步都用全部训练集，所以两条路径都很平滑。\
                    左边：普通梯度下降每步沿梯度的反方向走。右边：动量法把每次的梯度累加到动量项（速度）上，\
                    动量项每步保留自身的 90%，于是权重就像一个从高处滚下的球：在长坡上越滚越快，冲过谷底后\
                    才折回来。“损失曲面”面板把两条路径画在左边网络路径所在的平面上。"),
            try_this: prose!("同时训练两个网络 100 轮，暂停，然后看“损失曲面”面板：白色路径是 SGD 的，虚线是动量法的。"),
            expect: prose!("100 轮后，动量法的训练损失低于 SGD，权重走过的路程至少是 SGD 的 3 倍。在图上，SGD 的路径\
                     笔直地走到它的圆点，从不折返；动量法的路径则沿第一个方向冲过这个圆点，再拐弯折回。"),
        },
    },
    Lesson {
        id: "landscape",
        setup: "dataset=circle&hidden=4&activation=tanh&lr=0.1&seed=1",
        compare: None,
        challenge: None,
        en: LessonText {
            title: "A slice of the loss landscape",
            watch: prose!("The training loss depends on every weight and bias of the network, 17 numbers here, so it \
                    is a surface over 17 dimensions, which no picture can show. The loss landscape panel cuts one \
                    flat slice through it: the current weights at the dot, two directions across, the loss \
                    as colour with contour lines. With the path directions the slice is the plane that holds most \
                    of the way the weights came, and that way is drawn on it from its start to the dot."),
            try_this: prose!("Train for 200 epochs, pause, then switch Directions to random and press Refresh."),
            expect: prose!("On the path's plane the two directions hold at least 98% of the path's spread, and the path \
                     runs from its start down into the low region around the dot. A random plane through the same \
                     weights keeps at most 60% of the way from the start to the current weights, so the path shrinks and \
                     the picture changes: it is another slice of the same surface. Even on the path's plane the \
                     start is a shadow: the loss the map shows there differs from the loss the run started with by \
                     at least 0.03, because the start lies a little off the plane."),
        },
        zh: LessonText {
            title: "损失曲面的一个切片",
            watch: prose!("训练损失取决于网络的每一个权重和偏置，这里共有 17 个数，所以损失是 17 维空间上的一个曲面，\
                    任何图都画不出来。“损失曲面”面板从中切出一个平面切片：当前权重位于圆点处，两个方向张成\
                    平面，损失用颜色和等高线表示。选择“路径方向”时，这个切片是最能容纳权重走过的路的平面，\
                    路径从起点一直画到圆点。"),
            try_this: prose!("训练 200 轮后暂停，然后把“方向”改为“随机”，再按“刷新”。"),
            expect: prose!("在路径平面上，两个方向容纳了路径至少 98% 的方差，路径从起点一路下降到圆点周围的低谷。经过同一\
                     组权重的随机平面最多只保留从起点到当前权重这段距离的 60%，所以路径缩短，图也变了：它是同一个\
                     曲面的另一个切片。即使在路径平面上，起点也只是一个投影：图上起点处的损失与训练开始时的\
                     损失至少相差 0.03，因为起点稍稍偏离这个平面。"),
        },
    },
    Lesson {
        id: "softmax",
        setup: "dataset=blobs3&noise=20&hidden=4&activation=tanh&lr=0.03&seed=1",
        compare: None,
        challenge: None,
        en: LessonText {
            title: "Three classes with softmax",
            watch: prose!("With three classes the network has three output neurons, one score per class. Softmax \
                    turns the three scores into probabilities that are positive and add up to 1, and the \
                    cross-entropy loss punishes a low probability for the true class. The predicted class \
                    is the most probable one, so the decision boundary now splits the plane into three \
                    regions."),
            try_this: prose!("Raise Noise to 50 and train again."),
            expect: prose!("At noise 20 test accuracy reaches at least 95% within 50 epochs, and at every point the \
                     three probabilities add up to 1. At noise 50 the clouds overlap, accuracy drops, and the \
                     confusion matrix shows which classes get mixed up."),
        },
        zh: LessonText {
            title: "用 Softmax 做三分类",
            watch: prose!("有三个类别时，网络有三个输出神经元，每个类别一个得分。Softmax 把三个得分变成概率，它们\
                    都是正数且加起来等于 1；交叉熵损失函数会惩罚真实类别概率过低的情况。预测的类别是概率\
                    最大的那个，所以决策边界现在把平面分成三个区域。"),
            try_this: prose!("把“噪声”调到 50，然后重新训练。"),
            expect: prose!("噪声为 20 时，50 轮之内测试准确率达到 95% 以上，而且在每个点上三个概率之和都等于 1。\
                     噪声为 50 时，三团数据相互重叠，准确率下降，混淆矩阵显示哪些类别容易被混淆。"),
        },
    },
    Lesson {
        id: "spiral",
        setup: "dataset=spiral&hidden=6,6&activation=tanh&lr=0.03&seed=1",
        compare: None,
        challenge: Some("test-accuracy>=95;neurons<=20"),
        en: LessonText {
            title: "Challenge: the spiral",
            watch: prose!("Two arms wind around each other, and the challenge above the readouts asks for 95% test \
                    accuracy with at most 20 hidden neurons. On x and y alone a small network has to bend its \
                    boundary round and round, which takes many neurons and many epochs. Inputs that already \
                    wave across the plane, such as sin x and sin y, do much of that bending for it."),
            try_this: prose!("In Features, switch on sin x and sin y (keep x and y on), then press Reset the weights \
                       and Play."),
            expect: prose!("With x and y alone test accuracy stays below 80% after 300 epochs. With sin x and sin y \
                     added the same 12 neurons meet the challenge within 400 epochs: every condition is \
                     ticked and the banner names the epoch."),
        },
        zh: LessonText {
            title: "挑战：螺旋",
            watch: prose!("两条螺旋臂相互缠绕，输出数值上方的挑战要求测试准确率达到 95%，且隐藏神经元不超过 20 个。\
                    只用 x 和 y 作输入时，小网络必须把决策边界一圈圈地弯过去，需要很多神经元和很多轮训练。\
                    本身就在平面上起伏的输入，例如 sin x 和 sin y，可以替它完成大部分弯折。"),
            try_this: prose!("在“输入特征”中打开 sin x 和 sin y（x 和 y 保持打开），然后按“重置权重”，再按播放。"),
            expect: prose!("只用 x 和 y 时，训练 300 轮后测试准确率仍低于 80%。加上 sin x 和 sin y 后，同样的 12 个\
                     神经元在 400 轮之内就能完成挑战：每个条件都打上勾，横幅显示达成的轮次。"),
        },
    },
];

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::config::KEYS;
    use crate::core::introspect::{gradient_norms, trace};
    use crate::core::trainer::Trainer;
    use crate::core::Float;

    const IDS: [&str; 19] = [
        "one-neuron",
        "two-neurons",
        "three-neurons",
        "xor",
        "circle",
        "sigmoid-saturation",
        "relu-vs-sigmoid",
        "init-symmetry",
        "normalization",
        "batch-norm",
        "overfitting",
        "regularization",
        "dropout",
        "early-stopping",
        "optimizers",
        "momentum",
        "landscape",
        "softmax",
        "spiral",
    ];

    /// A fresh run of the lesson's setup with `extra` keys overriding it (later keys win).
    fn trainer(setup: &str, extra: &str) -> Trainer {
        let query = format!("{setup}&{extra}");
        let (config, errors) = Config::from_query(&query);
        assert!(errors.is_empty(), "{query}: {errors:?}");
        Trainer::new(config).expect("valid config")
    }

    fn trained(setup: &str, extra: &str, epochs: u64) -> Trainer {
        let mut t = trainer(setup, extra);
        assert_eq!(t.train_epochs(epochs), epochs, "{setup}&{extra} diverged");
        t
    }

    fn test_accuracy(t: &mut Trainer) -> Float {
        t.evaluate().1.accuracy.expect("classification")
    }

    fn lesson(id: &str) -> &'static Lesson {
        find(id).expect("lesson exists")
    }

    /// The second network of a compare lesson, as a query: setup then compare keys.
    fn compare_setup(id: &str) -> String {
        let l = lesson(id);
        format!("{}&{}", l.setup, l.compare.expect("compare lesson"))
    }

    /// Epochs until the training loss first drops below `threshold`, or None within `max`.
    fn epochs_to(t: &mut Trainer, threshold: Float, max: u64) -> Option<u64> {
        for epoch in 1..=max {
            assert!(t.train_epoch(), "diverged");
            if t.evaluate().0.loss < threshold {
                return Some(epoch);
            }
        }
        None
    }

    /// Total Frobenius norm of every weight matrix.
    fn weight_norm(t: &Trainer) -> Float {
        t.network()
            .layers
            .iter()
            .map(|l| l.weights.value.norm_squared())
            .sum::<Float>()
            .sqrt()
    }

    /// Last hidden layer's weight-gradient norm over the first hidden layer's.
    fn gradient_ratio(t: &Trainer) -> Float {
        let norms = gradient_norms(t);
        let hidden = t.network().hidden_count();
        norms[hidden - 1] / norms[0]
    }

    fn has_cjk(text: &str) -> bool {
        text.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c))
    }

    /// Every digit run in a text, to compare the numbers of the two languages.
    fn numbers(text: &str) -> Vec<String> {
        let mut out: Vec<String> = text
            .split(|c: char| !c.is_ascii_digit() && c != '.')
            .map(|s| s.trim_matches('.'))
            .filter(|s| !s.is_empty())
            .map(str::to_string)
            .collect();
        out.sort();
        out
    }

    #[test]
    fn lesson_ids_are_unique_complete_and_in_order() {
        let ids: Vec<&str> = LESSONS.iter().map(|l| l.id).collect();
        assert_eq!(ids, IDS);
        for id in IDS {
            assert_eq!(find(id).map(|l| l.id), Some(id));
        }
        assert!(find("no-such-lesson").is_none());
    }

    #[test]
    fn lesson_setups_parse_without_rejected_keys() {
        for l in LESSONS {
            for (key, _) in query_pairs(l.setup) {
                assert!(KEYS.contains(&key.as_str()), "{}: unknown key {key}", l.id);
            }
            let (config, errors) = Config::from_query(l.setup);
            assert!(errors.is_empty(), "{}: {errors:?}", l.id);
            assert_eq!(l.config(), config);
            assert!(Trainer::new(config.clone()).is_ok(), "{}", l.id);
            match l.compare {
                None => assert!(l.compare_config().is_none()),
                Some(compare) => {
                    let full = format!("{}&{compare}", l.setup);
                    let (expected, errors) = Config::from_query(&full);
                    assert!(errors.is_empty(), "{}: {errors:?}", l.id);
                    for (key, value) in query_pairs(compare) {
                        assert!(KEYS.contains(&key.as_str()), "{}: unknown key {key}", l.id);
                        let mut c = config.clone();
                        assert!(c.set(&key, &value).is_ok(), "{}: {key}={value}", l.id);
                    }
                    let second = l.compare_config().expect("compare config");
                    assert_eq!(second, expected, "{}", l.id);
                    assert_ne!(second, config, "{}: compare changes nothing", l.id);
                }
            }
        }
    }

    #[test]
    fn lesson_texts_are_complete_in_both_languages() {
        for l in LESSONS {
            for lang in [Lang::En, Lang::Zh] {
                let t = l.text(lang);
                for (name, text) in [
                    ("title", t.title),
                    ("watch", t.watch),
                    ("try_this", t.try_this),
                    ("expect", t.expect),
                ] {
                    assert!(!text.trim().is_empty(), "{} {name} empty", l.id);
                    assert!(!text.contains("  "), "{} {name}: double space", l.id);
                    assert_eq!(has_cjk(text), lang == Lang::Zh, "{} {name}", l.id);
                }
            }
            // Same numbers in both languages (the claims must not drift apart).
            for (en, zh) in [
                (l.en.watch, l.zh.watch),
                (l.en.try_this, l.zh.try_this),
                (l.en.expect, l.zh.expect),
            ] {
                assert_eq!(numbers(en), numbers(zh), "{}:\n{en}\n{zh}", l.id);
            }
            assert_eq!(l.text(Lang::En), l.en);
            assert_eq!(l.text(Lang::Zh), l.zh);
            for part in [
                l.en.watch,
                l.en.try_this,
                l.en.expect,
                l.zh.watch,
                l.zh.try_this,
                l.zh.expect,
            ] {
                assert!(!part.contains(['\t', '\n', '\r']), "{}: a tab or line break", l.id);
            }
        }
    }

    /// The page's copy of the prose (`www/lessons.txt`) is this file's. After a change,
    /// write it anew with `NNLAB_WRITE_TEXTS=1 cargo test --release --lib texts_file`.
    #[test]
    fn the_pages_lesson_texts_file_is_this_table() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/www/lessons.txt");
        if std::env::var_os("NNLAB_WRITE_TEXTS").is_some() {
            std::fs::write(path, tsv()).expect("www/ is writable");
        }
        let file = std::fs::read_to_string(path).unwrap_or_default();
        assert!(
            file == tsv(),
            "www/lessons.txt is not src/core/lesson.rs's prose: run NNLAB_WRITE_TEXTS=1 cargo test --release --lib texts_file"
        );
        assert_eq!(file.lines().count(), 3 * LESSONS.len());
    }

    // ---- One claim test per lesson: the setup, run headless, does what `expect` says.
    // Seeds 1–3 (or 1–4) are checked wherever a run is cheap, so no claim rests on a lucky
    // seed; thresholds leave a margin below the worst seed seen when they were chosen.

    /// one-neuron: one tanh neuron separates the linear data (≥ 95 % in 50 epochs; seen
    /// 100 %) but cannot separate the circle (< 80 % even after 200 epochs; a line gets
    /// about 65 % at best, some seeds stay near 40 %).
    #[test]
    fn lesson_one_neuron_draws_a_line() {
        let setup = lesson("one-neuron").setup;
        for seed in 1..=3 {
            let linear = test_accuracy(&mut trained(setup, &format!("seed={seed}"), 50));
            assert!(linear >= 0.95, "seed {seed}: linear {linear}");
            let circle = test_accuracy(&mut trained(setup, &format!("seed={seed}&dataset=circle"), 200));
            assert!(circle < 0.80, "seed {seed}: circle {circle}");
        }
    }

    /// two-neurons: two lines (a band or wedge) beat one line on the circle by ≥ 5 points
    /// but stay < 90 % after 300 epochs (seen 78–87 % against about 65 %).
    #[test]
    fn lesson_two_neurons_beat_one_but_cannot_enclose() {
        let setup = lesson("two-neurons").setup;
        for seed in 1..=3 {
            let two = test_accuracy(&mut trained(setup, &format!("seed={seed}"), 300));
            let one = test_accuracy(&mut trained(setup, &format!("seed={seed}&hidden=1"), 300));
            assert!(two >= one + 0.05, "seed {seed}: two {two}, one {one}");
            assert!(two < 0.90, "seed {seed}: two {two}");
        }
    }

    /// three-neurons: three tanh neurons at lr 0.1 enclose the disc (≥ 95 % within 200
    /// epochs; seen ≥ 97.6 % on 8 seeds) while two stay < 90 %. At lr 0.03 one seed in
    /// eight got stuck at 86 %, hence the lesson's lr 0.1.
    #[test]
    fn lesson_three_neurons_enclose_the_circle() {
        let setup = lesson("three-neurons").setup;
        for seed in 1..=4 {
            let three = test_accuracy(&mut trained(setup, &format!("seed={seed}"), 200));
            assert!(three >= 0.95, "seed {seed}: three {three}");
            let two = test_accuracy(&mut trained(setup, &format!("seed={seed}&hidden=2"), 200));
            assert!(two < 0.90, "seed {seed}: two {two}");
        }
    }

    /// xor: one hidden neuron is one line (< 80 %; the best line gets 75 %), four reach
    /// ≥ 98 % within 300 epochs. Three neurons can solve XOR but SGD gets stuck near 92 % on
    /// some seeds, so the lesson asks for four (100 % on 9 of 10 seeds, 98.4 % on the tenth).
    #[test]
    fn lesson_xor_needs_hidden_neurons() {
        let setup = lesson("xor").setup;
        for seed in 1..=3 {
            let one = test_accuracy(&mut trained(setup, &format!("seed={seed}"), 300));
            assert!(one < 0.80, "seed {seed}: one {one}");
            let four = test_accuracy(&mut trained(setup, &format!("seed={seed}&hidden=4"), 300));
            assert!(four >= 0.98, "seed {seed}: four {four}");
        }
    }

    /// circle: with no hidden layer, x and y give a line (< 80 %), while x² and y² make the
    /// disc linearly separable (≥ 98 % within 100 epochs; seen 100 %).
    #[test]
    fn lesson_circle_is_easy_with_squared_features() {
        let setup = lesson("circle").setup;
        for seed in 1..=3 {
            let plain = test_accuracy(&mut trained(setup, &format!("seed={seed}"), 100));
            assert!(plain < 0.80, "seed {seed}: x,y {plain}");
            let squared = test_accuracy(&mut trained(setup, &format!("seed={seed}&features=x,y,x2,y2"), 100));
            assert!(squared >= 0.98, "seed {seed}: x,y,x2,y2 {squared}");
        }
    }

    /// sigmoid-saturation: at initialisation the 5×8 sigmoid net's last hidden layer gets a
    /// weight gradient ≥ 100× the first one's (the slope is ≤ 1/4 per layer); after 100
    /// epochs its training loss is still ≥ 0.65, near ln 2 ≈ 0.693 of a 50/50 guess (accuracy
    /// is no measure here: with every output near 0.5 it flickers between 40 and 63 %), while
    /// one hidden layer of 8 sigmoids at the same lr reaches ≥ 95 % (seen ≥ 96.8 %).
    #[test]
    fn lesson_sigmoid_gradients_vanish_in_depth() {
        let setup = lesson("sigmoid-saturation").setup;
        for seed in 1..=3 {
            let extra = format!("seed={seed}");
            let ratio = gradient_ratio(&trainer(setup, &extra));
            assert!(ratio >= 100.0, "seed {seed}: ratio {ratio}");
            let deep = trained(setup, &extra, 100).evaluate().0.loss;
            assert!(deep >= 0.65, "seed {seed}: deep loss {deep}");
            let shallow = test_accuracy(&mut trained(setup, &format!("{extra}&hidden=8"), 100));
            assert!(shallow >= 0.95, "seed {seed}: one layer {shallow}");
        }
    }

    /// batch-norm: the saturation lesson's 5×8 sigmoid net with batch normalisation. The
    /// gradient flow panel's ratio of the last to the first hidden layer's weight gradient is
    /// within 10× both ways at initialisation (seen 0.11–0.61 on seeds 1–4) and after 100
    /// epochs (seen 0.81–2.2), where the plain net's is ≥ 100× (the saturation lesson's test);
    /// after 100 epochs it reaches ≥ 95 % test accuracy (seen 95.2–100 %), while the plain one's
    /// training loss stays ≥ 0.65.
    #[test]
    fn lesson_batch_norm_keeps_the_gradient_flowing() {
        let l = lesson("batch-norm");
        let normalised = compare_setup(l.id);
        for seed in 1..=4 {
            let extra = format!("seed={seed}");
            let plain_ratio = gradient_ratio(&trainer(l.setup, &extra));
            assert!(plain_ratio >= 100.0, "seed {seed}: plain ratio {plain_ratio}");
            let start = gradient_ratio(&trainer(&normalised, &extra));
            assert!((0.1..=10.0).contains(&start), "seed {seed}: ratio at start {start}");
            let mut t = trained(&normalised, &extra, 100);
            let end = gradient_ratio(&t);
            assert!((0.1..=10.0).contains(&end), "seed {seed}: ratio after 100 epochs {end}");
            let accuracy = test_accuracy(&mut t);
            assert!(accuracy >= 0.95, "seed {seed}: batch norm accuracy {accuracy}");
            let plain = trained(l.setup, &extra, 100).evaluate().0.loss;
            assert!(plain >= 0.65, "seed {seed}: plain loss {plain}");
        }
    }

    /// relu-vs-sigmoid: the gradient ratio is ≥ 100 for sigmoid but within 20× for ReLU + He;
    /// after 30 epochs ReLU is ≥ 95 % (100 % on 9 of 10 seeds, 95.6 % on one) while the sigmoid training loss is still
    /// ≥ 0.65 (chance is ln 2 ≈ 0.693; its accuracy flickers around 50 % as outputs hover at
    /// 0.5, so loss is the measure); ReLU with small random weights (σ = 0.01) stalls there too.
    #[test]
    fn lesson_relu_with_he_keeps_the_gradient() {
        let l = lesson("relu-vs-sigmoid");
        let relu = compare_setup(l.id);
        for seed in 1..=3 {
            let extra = format!("seed={seed}");
            let sigmoid_ratio = gradient_ratio(&trainer(l.setup, &extra));
            assert!(sigmoid_ratio >= 100.0, "seed {seed}: sigmoid ratio {sigmoid_ratio}");
            let relu_ratio = gradient_ratio(&trainer(&relu, &extra));
            assert!(
                (1.0 / 20.0..=20.0).contains(&relu_ratio),
                "seed {seed}: relu ratio {relu_ratio}"
            );
            let sigmoid = trained(l.setup, &extra, 30).evaluate().0.loss;
            assert!(sigmoid >= 0.65, "seed {seed}: sigmoid loss {sigmoid}");
            let relu_acc = test_accuracy(&mut trained(&relu, &extra, 30));
            assert!(relu_acc >= 0.95, "seed {seed}: relu {relu_acc}");
            let small = trained(&relu, &format!("{extra}&init=small"), 30).evaluate().0.loss;
            assert!(small >= 0.65, "seed {seed}: relu small init loss {small}");
        }
    }

    /// init-symmetry: from zero weights the four sigmoid neurons get identical gradients, so
    /// after 200 epochs their weight rows and biases are still identical (to f32 rounding)
    /// and the net is one line (< 80 %; seen 56–67 %). Xavier gives four different rows
    /// and ≥ 95 % (seen ≥ 98.8 %).
    #[test]
    fn lesson_zero_init_keeps_neurons_identical() {
        let l = lesson("init-symmetry");
        let xavier = compare_setup(l.id);
        let row_spread = |t: &Trainer| {
            let layer = &t.network().layers[0];
            let (w, b) = (&layer.weights.value, &layer.biases.value);
            let mut spread: Float = 0.0;
            for r in 1..w.nrows() {
                spread = spread.max((w.row(r) - w.row(0)).amax()).max((b[r] - b[0]).abs());
            }
            spread
        };
        for seed in 1..=3 {
            let extra = format!("seed={seed}");
            let mut zeros = trained(l.setup, &extra, 200);
            assert!(row_spread(&zeros) < 1e-5, "seed {seed}: zero-init rows differ");
            // They did move: symmetric is not the same as frozen.
            assert!(zeros.network().layers[0].weights.value.amax() > 0.01, "seed {seed}");
            let acc = test_accuracy(&mut zeros);
            assert!(acc < 0.80, "seed {seed}: zeros {acc}");
            let mut random = trained(&xavier, &extra, 200);
            assert!(row_spread(&random) > 0.1, "seed {seed}: xavier rows alike");
            let acc = test_accuracy(&mut random);
            assert!(acc >= 0.95, "seed {seed}: xavier {acc}");
        }
    }

    /// normalization: full-batch steps at lr 2 on raw x, y, x², y² (x² up to 36) against
    /// the same inputs standardised. Standardised reaches training loss 0.1 in at most half
    /// the epochs raw inputs need (seen 3–10 against 19–86 on 12 seeds; at lr 1 one seed in
    /// ten missed the factor 2, at 12 against 21, hence lr 2).
    #[test]
    fn lesson_standardised_inputs_learn_faster() {
        let l = lesson("normalization");
        let standard = compare_setup(l.id);
        for seed in 1..=4 {
            let extra = format!("seed={seed}");
            let fast = epochs_to(&mut trainer(&standard, &extra), 0.1, 100).expect("standardised reaches 0.1");
            let slow = epochs_to(&mut trainer(l.setup, &extra), 0.1, 2 * fast - 1);
            assert!(slow.is_none(), "seed {seed}: standardised {fast} epochs, raw {slow:?}");
        }
    }

    /// overfitting: 50 noisy training points, a 16-16 net and Adam. The test loss bottoms
    /// out within 100 epochs (seen at 22–53), by epoch 300 it is ≥ 1.5× that minimum (seen
    /// 1.7–2.2×), and the training loss is ≤ ¼ of the test loss (seen ≤ 0.11×).
    #[test]
    fn lesson_overfitting_opens_a_gap() {
        let setup = lesson("overfitting").setup;
        for seed in 1..=4 {
            let mut t = trainer(setup, &format!("seed={seed}"));
            let (mut best, mut best_epoch) = (Float::INFINITY, 0);
            for epoch in 1..=300 {
                assert!(t.train_epoch());
                let test = t.evaluate().1.loss;
                if test < best {
                    (best, best_epoch) = (test, epoch);
                }
            }
            let (train, test) = t.evaluate();
            assert!(best_epoch <= 100, "seed {seed}: test loss lowest at epoch {best_epoch}");
            assert!(
                test.loss >= 1.5 * best,
                "seed {seed}: test {} vs best {best}",
                test.loss
            );
            assert!(
                train.loss <= 0.25 * test.loss,
                "seed {seed}: train {} test {}",
                train.loss,
                test.loss
            );
        }
    }

    /// regularization: on the overfitting setup, L2 at λ = 0.01 gives after 300 epochs a
    /// smaller total weight norm and a smaller test − train loss gap than no penalty; at
    /// λ = 0.1 the weights collapse and the training loss stays ≥ 0.65, near ln 2 ≈ 0.693
    /// of a guess (seen 0.686–0.692).
    #[test]
    fn lesson_l2_shrinks_weights_and_the_gap() {
        let l = lesson("regularization");
        let l2 = compare_setup(l.id);
        let gap = |t: &mut Trainer| {
            let (train, test) = t.evaluate();
            test.loss - train.loss
        };
        for seed in 1..=4 {
            let extra = format!("seed={seed}");
            let mut plain = trained(l.setup, &extra, 300);
            let mut decayed = trained(&l2, &extra, 300);
            let (norm_plain, norm_l2) = (weight_norm(&plain), weight_norm(&decayed));
            assert!(
                norm_l2 < 0.7 * norm_plain,
                "seed {seed}: norms {norm_l2} vs {norm_plain}"
            );
            let (gap_plain, gap_l2) = (gap(&mut plain), gap(&mut decayed));
            assert!(gap_l2 < 0.7 * gap_plain, "seed {seed}: gaps {gap_l2} vs {gap_plain}");
            let strong = trained(&l2, &format!("{extra}&reg-rate=0.1"), 300).evaluate().0.loss;
            assert!(strong >= 0.65, "seed {seed}: λ = 0.1 training loss {strong}");
        }
    }

    /// dropout: on the overfitting setup, dropout 0.3 gives after 300 epochs a test − train
    /// loss gap under 0.6 of the plain one (seen 0.11–0.51 of it) and a lower test loss,
    /// with a higher training loss (each step trains a thinned network); at 0.7 the training
    /// loss stays higher still (it learns slowly).
    #[test]
    fn lesson_dropout_narrows_the_gap() {
        let l = lesson("dropout");
        let dropped = compare_setup(l.id);
        for seed in 1..=4 {
            let extra = format!("seed={seed}");
            let (plain_train, plain_test) = trained(l.setup, &extra, 300).evaluate();
            let (drop_train, drop_test) = trained(&dropped, &extra, 300).evaluate();
            let gap_plain = plain_test.loss - plain_train.loss;
            let gap_drop = drop_test.loss - drop_train.loss;
            assert!(
                gap_drop < 0.6 * gap_plain,
                "seed {seed}: gaps {gap_drop} vs {gap_plain}"
            );
            assert!(
                drop_test.loss < plain_test.loss,
                "seed {seed}: test {} vs {}",
                drop_test.loss,
                plain_test.loss
            );
            assert!(drop_train.loss > plain_train.loss, "seed {seed}");
            let heavy = trained(&dropped, &format!("{extra}&dropout=0.7"), 300)
                .evaluate()
                .0
                .loss;
            assert!(
                heavy > drop_train.loss,
                "seed {seed}: dropout 0.7 training loss {heavy}"
            );
        }
    }

    /// early-stopping: XOR, 200 points at noise 50, 30 % held out for validation, the 16-16
    /// Adam net. Over 400 epochs the validation loss is lowest within 50 epochs (seen 16–20),
    /// at epoch 200 it is ≥ 1.5× that minimum (seen 1.57–3.4×) and the training loss is below
    /// its value at the minimum (the gap opens while it keeps falling). Patience 20 stops at
    /// exactly the minimum + 20, that minimum being the lowest of all 400 epochs, and with
    /// restore the weights and the validation loss are the best epoch's, bit for bit.
    #[test]
    fn lesson_early_stopping_stops_at_the_validation_minimum() {
        use crate::core::early_stop::EarlyStopping;
        use crate::core::trainer::Watched;
        let setup = lesson("early-stopping").setup;
        for seed in 1..=4 {
            let extra = format!("seed={seed}");
            let mut t = trainer(setup, &extra);
            let val = |t: &mut Trainer| t.validation().expect("validation split").loss;
            let (mut vals, mut trains) = (vec![val(&mut t)], vec![t.evaluate().0.loss]);
            for _ in 0..400 {
                assert!(t.train_epoch());
                vals.push(val(&mut t));
                trains.push(t.evaluate().0.loss);
            }
            let mut minimum = 0;
            for (epoch, &v) in vals.iter().enumerate() {
                if v < vals[minimum] {
                    minimum = epoch;
                }
            }
            assert!(minimum <= 50, "seed {seed}: validation lowest at epoch {minimum}");
            assert!(
                vals[200] >= 1.5 * vals[minimum],
                "seed {seed}: {} at 200 vs {} at {minimum}",
                vals[200],
                vals[minimum]
            );
            assert!(trains[200] < trains[minimum], "seed {seed}: training loss rose");

            let mut stopped_run = trainer(setup, &extra);
            let mut stopping = EarlyStopping::new(Some(20), true);
            let (done, stopped) = stopping.train(&mut stopped_run, 400);
            let stopped = stopped.expect("the patience stop fires");
            assert_eq!(stopped.watched, Watched::Validation);
            assert_eq!(
                (stopped.best_epoch, stopped.epoch, done),
                (minimum as u64, minimum as u64 + 20, minimum as u64 + 20),
                "seed {seed}"
            );
            assert!(trains[minimum + 20] < trains[minimum], "seed {seed}");
            assert!(stopped.restored);
            assert_eq!(val(&mut stopped_run), vals[minimum], "seed {seed}: restored loss");
            assert_eq!(stopped.best_loss, vals[minimum]);
        }
    }

    /// optimizers: same weights, lr 0.01. Adam gets the training loss below 0.1 within 100
    /// epochs (seen 30–52) and at least 4× sooner than SGD (seen about 500); momentum too
    /// is at least 4× faster than SGD (seen 52–60).
    #[test]
    fn lesson_adam_beats_sgd() {
        let l = lesson("optimizers");
        let adam_setup = compare_setup(l.id);
        for seed in 1..=3 {
            let extra = format!("seed={seed}");
            let adam = epochs_to(&mut trainer(&adam_setup, &extra), 0.1, 100).expect("adam reaches 0.1");
            let limit = 4 * adam;
            let sgd = epochs_to(&mut trainer(l.setup, &extra), 0.1, limit);
            assert!(sgd.is_none(), "seed {seed}: sgd {sgd:?} vs adam {adam}");
            let momentum = epochs_to(
                &mut trainer(l.setup, &format!("{extra}&optimizer=momentum")),
                0.1,
                limit,
            );
            assert!(momentum.is_some(), "seed {seed}: momentum not within {limit}");
        }
    }

    /// The length of a run's path through weight space, snapshot to snapshot (every epoch
    /// while the trajectory holds fewer than 500).
    fn path_length(t: &Trainer) -> f64 {
        let (points, _) = t.trajectory().path(t.network(), t.epoch());
        points
            .windows(2)
            .map(|w| {
                w[0].iter()
                    .zip(&w[1])
                    .map(|(a, b)| f64::from(a - b).powi(2))
                    .sum::<f64>()
                    .sqrt()
            })
            .sum()
    }

    /// How far a projected path moves forward and back along the first direction: the
    /// sums of its positive and of its negative steps in α (the latter as a positive number).
    fn along_first(path: &[(Float, Float)]) -> (Float, Float) {
        let steps = path.windows(2).map(|w| w[1].0 - w[0].0);
        let forward = steps.clone().filter(|&s| s > 0.0).sum();
        let back = -steps.filter(|&s| s < 0.0).sum::<Float>();
        (forward, back)
    }

    /// momentum: full-batch SGD against momentum at lr 0.05 on the plane data, 100 epochs,
    /// seeds 1–4. Momentum's training loss is lower (seen 0.0009–0.0022 against
    /// 0.0011–0.0080; seed 3 is the closest, 0.0009 against 0.0011) and its path through
    /// weight space at least 3 times as long (seen 3.6–4.3×). On the plane of SGD's path
    /// (the map the left network draws), SGD's path never turns back along the first
    /// direction, while momentum's first turn (its projected velocity along it changing
    /// sign) comes past the centre, at α > 0 (seen around epoch 10), and it moves back by
    /// at least 10% of SGD's whole travel along it in all (seen 26–96%).
    #[test]
    fn lesson_momentum_overshoots_and_gets_further() {
        use crate::core::landscape::{loss_map, Directions, GRID};
        let l = lesson("momentum");
        let momentum_setup = compare_setup(l.id);
        for seed in 1..=4 {
            let extra = format!("seed={seed}");
            let mut sgd = trained(l.setup, &extra, 100);
            let mut momentum = trained(&momentum_setup, &extra, 100);
            assert!(sgd.config().batch >= sgd.train_set().1.len(), "full batch");
            let (s, m) = (sgd.evaluate().0.loss, momentum.evaluate().0.loss);
            assert!(m < s, "seed {seed}: momentum {m} vs sgd {s}");
            let (sl, ml) = (path_length(&sgd), path_length(&momentum));
            assert!(ml >= 3.0 * sl, "seed {seed}: momentum travelled {ml}, sgd {sl}");
            let map = loss_map(&sgd, Directions::Path, GRID, Some(&momentum));
            let other = map.other.as_ref().expect("same layout");
            assert_eq!(other.len(), 101, "every epoch");
            let (sgd_forward, sgd_back) = along_first(&map.path);
            assert!(sgd_back <= 0.01 * sgd_forward, "seed {seed}: sgd turns back {sgd_back}");
            let (_, back) = along_first(other);
            // The first turn: the first point after which α falls, having risen before it.
            let turn = (1..other.len() - 1)
                .find(|&t| other[t].0 > other[t - 1].0 && other[t + 1].0 < other[t].0)
                .expect("momentum turns back");
            assert!(
                other[turn].0 > 0.0,
                "seed {seed}: momentum turns at α = {} before the centre",
                other[turn].0
            );
            assert!(
                back >= 0.1 * sgd_forward,
                "seed {seed}: momentum comes back {back} of sgd's {sgd_forward}"
            );
        }
    }

    /// landscape: the circle with 4 tanh neurons (17 weights and biases) after 200 epochs,
    /// seeds 1–4. The path's two directions hold ≥ 98% of its variance (seen 99.4–99.8%);
    /// the centre lies in the lowest 10% of the map's range while the start's point on the
    /// map lies higher; a random plane keeps ≤ 60% of the way from the start to the
    /// current weights (seen 18–49%, the path's plane 99.5–99.9%); and the loss at the
    /// start's shadow on the path's plane differs from the starting loss by ≥ 0.03 (seen
    /// 0.038–0.166).
    #[test]
    fn lesson_landscape_is_one_slice() {
        use crate::core::landscape::{loss_map, Directions, Plane, GRID};
        let l = lesson("landscape");
        for seed in 1..=4 {
            let t = trained(l.setup, &format!("seed={seed}"), 200);
            assert_eq!(t.network().parameter_count(), 17);
            let map = loss_map(&t, Directions::Path, GRID, None);
            let share = map.plane.explained.expect("path directions");
            assert!(map.plane.fallback.is_none() && share >= 0.98, "seed {seed}: {share}");
            let (lo, hi) = map.range;
            let centre = map.centre_value();
            assert!(
                centre <= lo + 0.1 * (hi - lo),
                "seed {seed}: centre {centre} in {lo}..{hi}"
            );
            let (a, b) = map.path[0];
            let start_on_map = map.plane.loss_at(&t, f64::from(a), f64::from(b));
            assert!(start_on_map > centre, "seed {seed}");
            let start = &t.trajectory().snapshots()[0];
            assert_eq!(t.trajectory().epochs()[0], 0);
            assert!(map.plane.captured(start) >= 0.99, "seed {seed}");
            let random = Plane::new(&t, Directions::Random);
            let kept = random.captured(start);
            assert!(kept <= 0.6, "seed {seed}: a random plane keeps {kept}");
            let started = t.history().points()[0].train;
            assert!(
                (start_on_map - started).abs() >= 0.03,
                "seed {seed}: the start's shadow {start_on_map} vs {started}"
            );
        }
    }

    /// softmax: three blobs at noise 20 reach ≥ 95 % within 50 epochs (seen ≥ 98.8 %), the
    /// three softmax probabilities of a point sum to 1, and noise 50 lowers the accuracy
    /// (seen 87–91 %).
    #[test]
    fn lesson_softmax_separates_three_classes() {
        let setup = lesson("softmax").setup;
        for seed in 1..=3 {
            let extra = format!("seed={seed}");
            let mut t = trained(setup, &extra, 50);
            let clean = test_accuracy(&mut t);
            assert!(clean >= 0.95, "seed {seed}: {clean}");
            for &sample in t.data().test.iter().take(20) {
                let p = trace(&t, sample).prediction;
                assert_eq!(p.len(), 3);
                assert!(p.iter().all(|&q| q > 0.0), "{p:?}");
                assert!((p.iter().sum::<Float>() - 1.0).abs() < 1e-5, "{p:?}");
            }
            let noisy = test_accuracy(&mut trained(setup, &format!("{extra}&noise=50"), 50));
            assert!(noisy < clean, "seed {seed}: noise 50 {noisy} vs noise 20 {clean}");
        }
    }

    /// The lessons' challenges: each setup alone does not meet its goal, and the change
    /// its text asks for does, on seeds 1–4, within the epochs it promises. xor: 4 neurons
    /// (`hidden=4`) reach a test loss below 0.1 within 300 epochs (seen 41–128); circle:
    /// x² and y² meet 98 % with no hidden layer within 100 (seen 1–4); spiral: sin x and
    /// sin y with the setup's 6,6 tanh net meet 95 % with 12 ≤ 20 neurons within 400 (seen
    /// 99–301), where x and y alone stay below 80 % after 300 epochs (seen 51–71 %).
    #[test]
    fn lesson_challenges_can_be_met_from_the_setup() {
        use crate::core::challenge::{Challenge, Tracker};
        let met_at = |setup: &str, goal: &str, extra: &str, epochs: u64| {
            let (challenge, refused) = Challenge::parse(goal);
            assert!(refused.is_empty() && !challenge.is_empty(), "{goal}: {refused:?}");
            assert_eq!(challenge.text(), goal, "canonical");
            let mut t = trainer(setup, extra);
            let mut tracker = Tracker::new(challenge);
            tracker.look(&mut t);
            tracker.train(&mut t, epochs, Trainer::train_epoch);
            tracker.met_at()
        };
        let with_goal: Vec<&str> = LESSONS.iter().filter(|l| l.challenge.is_some()).map(|l| l.id).collect();
        assert_eq!(with_goal, ["xor", "circle", "spiral"]);
        for (id, change, epochs) in [
            ("xor", "hidden=4", 300),
            ("circle", "features=x,y,x2,y2", 100),
            ("spiral", "features=x,y,sinx,siny", 400),
        ] {
            let l = lesson(id);
            let goal = l.challenge.expect("a challenge");
            for seed in 1..=4 {
                let extra = format!("seed={seed}");
                assert_eq!(
                    met_at(l.setup, goal, &extra, epochs),
                    None,
                    "{id} seed {seed}: the setup alone"
                );
                let met = met_at(l.setup, goal, &format!("{extra}&{change}"), epochs);
                assert!(
                    met.is_some(),
                    "{id} seed {seed}: {change} does not meet {goal} in {epochs} epochs"
                );
            }
        }
        for seed in 1..=4 {
            let plain = test_accuracy(&mut trained(lesson("spiral").setup, &format!("seed={seed}"), 300));
            assert!(plain < 0.8, "seed {seed}: spiral on x, y {plain}");
        }
    }
}
