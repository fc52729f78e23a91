//! The plain-text reading of a formula written in TeX, for places that show text rather than
//! MathML: the inspector's steps and the features' labels. build.rs includes this file and
//! runs [`to_text`] on every `tex!` formula, so the page carries only the results. It reads
//! the small TeX subset the choice files use and refuses anything else, so a new command
//! fails the build instead of leaking raw TeX into a label.

/// How a piece spaces against its neighbours (TeX's atom classes, simplified).
#[derive(Clone, Copy, Debug, PartialEq)]
enum Class {
    Ord,
    /// A fraction: bracketed where it touches a neighbour without an operator between.
    Frac,
    /// A function name (`ln`, `max`, `softmax`).
    Func,
    /// A big operator (Σ).
    Large,
    Bin,
    Rel,
    Punct,
    Open,
    Close,
    /// An explicit space (`\,`, `\quad`).
    Space,
}

struct Piece {
    text: String,
    class: Class,
}

impl Piece {
    fn new(text: impl Into<String>, class: Class) -> Piece {
        Piece {
            text: text.into(),
            class,
        }
    }
}

/// What ended a list of pieces.
#[derive(Debug, PartialEq)]
enum Stop {
    End,
    Brace,
    Ampersand,
    NewLine,
    EndEnv(String),
}

/// Reads `tex` as plain text with Unicode symbols: `\frac{1}{1 + e^{-z}}` becomes
/// `1 / (1 + e^(−z))`, lines of `gathered` are joined by `;  `, a `cases` row `a & b` reads
/// `a if b`.
pub fn to_text(tex: &str) -> Result<String, String> {
    let mut reader = Reader { rest: tex };
    let (pieces, stop) = reader.list()?;
    match stop {
        Stop::End => Ok(join(&pieces)),
        other => Err(format!("unexpected {other:?} in {tex:?}")),
    }
}

struct Reader<'a> {
    rest: &'a str,
}

impl Reader<'_> {
    fn skip_blanks(&mut self) {
        self.rest = self.rest.trim_start();
    }

    fn next_char(&mut self) -> Option<char> {
        let c = self.rest.chars().next()?;
        self.rest = &self.rest[c.len_utf8()..];
        Some(c)
    }

    /// A command's name after its backslash: a run of letters, or one other character.
    fn command_name(&mut self) -> Result<String, String> {
        let letters = self
            .rest
            .find(|c: char| !c.is_ascii_alphabetic())
            .unwrap_or(self.rest.len());
        if letters > 0 {
            let name = self.rest[..letters].to_string();
            self.rest = &self.rest[letters..];
            Ok(name)
        } else {
            self.next_char()
                .map(String::from)
                .ok_or_else(|| "a lone backslash".to_string())
        }
    }

    /// The raw text of a `{…}` argument (for `\text`, `\begin` and the like).
    fn raw_argument(&mut self) -> Result<&str, String> {
        self.skip_blanks();
        let body = self.rest.strip_prefix('{').ok_or("expected `{`")?;
        let end = body.find('}').ok_or("unclosed `{`")?;
        self.rest = &body[end + 1..];
        Ok(&body[..end])
    }

    /// One argument: a braced group or a single token, as its pieces.
    fn argument(&mut self) -> Result<Vec<Piece>, String> {
        self.skip_blanks();
        if let Some(body) = self.rest.strip_prefix('{') {
            self.rest = body;
            let (pieces, stop) = self.list()?;
            if stop != Stop::Brace {
                return Err("unclosed `{`".into());
            }
            return Ok(pieces);
        }
        Ok(self.token()?.into_iter().collect())
    }

    /// Pieces up to the end, a closing brace, or (inside an environment) `&`, `\\` or `\end`.
    fn list(&mut self) -> Result<(Vec<Piece>, Stop), String> {
        let mut pieces: Vec<Piece> = Vec::new();
        loop {
            self.skip_blanks();
            let Some(c) = self.rest.chars().next() else {
                return Ok((pieces, Stop::End));
            };
            match c {
                '}' => {
                    self.next_char();
                    return Ok((pieces, Stop::Brace));
                }
                '&' => {
                    self.next_char();
                    return Ok((pieces, Stop::Ampersand));
                }
                '^' | '_' => {
                    self.next_char();
                    let script = self.argument()?;
                    let base = pieces.last_mut().ok_or("a script without a base")?;
                    base.text.push_str(&script_text(&script, c == '^'));
                }
                '\\' if self.rest.starts_with("\\\\") => {
                    self.rest = &self.rest[2..];
                    return Ok((pieces, Stop::NewLine));
                }
                '\\' if self.rest.starts_with("\\end") => {
                    self.rest = &self.rest[4..];
                    return Ok((pieces, Stop::EndEnv(self.raw_argument()?.to_string())));
                }
                _ => pieces.extend(self.token()?),
            }
        }
    }

    /// One token: a character, a number, a command with its arguments, a group or an
    /// environment. `None` for what prints nothing (`\!`).
    fn token(&mut self) -> Result<Option<Piece>, String> {
        let c = self.next_char().ok_or("expected a token at the end")?;
        let piece = match c {
            '0'..='9' | '.' => {
                let digits = self
                    .rest
                    .find(|c: char| !(c.is_ascii_digit() || c == '.'))
                    .unwrap_or(self.rest.len());
                let number = format!("{c}{}", &self.rest[..digits]);
                self.rest = &self.rest[digits..];
                Piece::new(number, Class::Ord)
            }
            c if c.is_alphabetic() => Piece::new(c, Class::Ord),
            '\'' => Piece::new('′', Class::Ord),
            '+' => Piece::new('+', Class::Bin),
            '-' => Piece::new('−', Class::Bin),
            '=' | '<' | '>' => Piece::new(c, Class::Rel),
            ',' | ';' => Piece::new(c, Class::Punct),
            '(' | '[' => Piece::new(c, Class::Open),
            ')' | ']' => Piece::new(c, Class::Close),
            '/' | '|' => Piece::new(c, Class::Ord),
            '{' => {
                let (pieces, stop) = self.list()?;
                if stop != Stop::Brace {
                    return Err("unclosed `{`".into());
                }
                Piece::new(join(&pieces), Class::Ord)
            }
            '\\' => return self.command(),
            other => return Err(format!("unexpected character {other:?}")),
        };
        Ok(Some(piece))
    }

    fn command(&mut self) -> Result<Option<Piece>, String> {
        let name = self.command_name()?;
        let symbol = |text: &str, class| Ok(Some(Piece::new(text, class)));
        match name.as_str() {
            "alpha" => symbol("α", Class::Ord),
            "beta" => symbol("β", Class::Ord),
            "gamma" => symbol("γ", Class::Ord),
            "delta" => symbol("δ", Class::Ord),
            "epsilon" => symbol("ϵ", Class::Ord),
            "varepsilon" => symbol("ε", Class::Ord),
            "eta" => symbol("η", Class::Ord),
            "theta" => symbol("θ", Class::Ord),
            "lambda" => symbol("λ", Class::Ord),
            "mu" => symbol("μ", Class::Ord),
            "pi" => symbol("π", Class::Ord),
            "sigma" => symbol("σ", Class::Ord),
            "partial" => symbol("∂", Class::Ord),
            "dots" | "ldots" => symbol("…", Class::Ord),
            // A product dot binds its factors into one reading: x·y.
            "cdot" => symbol("·", Class::Ord),
            "pm" => symbol("±", Class::Bin),
            "times" => symbol("×", Class::Bin),
            "le" | "leq" => symbol("≤", Class::Rel),
            "ge" | "geq" => symbol("≥", Class::Rel),
            "ne" | "neq" => symbol("≠", Class::Rel),
            "in" => symbol("∈", Class::Rel),
            "sim" => symbol("~", Class::Rel),
            "leftarrow" | "gets" => symbol("←", Class::Rel),
            "to" | "rightarrow" => symbol("→", Class::Rel),
            "{" => symbol("{", Class::Open),
            "}" => symbol("}", Class::Close),
            "lvert" => symbol("|", Class::Open),
            "rvert" => symbol("|", Class::Close),
            "sum" => symbol("Σ", Class::Large),
            "," | ";" | " " | "enspace" | "quad" | "qquad" => symbol(" ", Class::Space),
            "!" => Ok(None),
            "exp" | "ln" | "log" | "max" | "min" | "sin" | "cos" | "tanh" => symbol(&name, Class::Func),
            "operatorname" => symbol(&self.raw_argument()?.replace(' ', ""), Class::Func),
            "text" => symbol(self.raw_argument()?, Class::Ord),
            "mathrm" => symbol(&self.raw_argument()?.replace(' ', ""), Class::Ord),
            "mathbb" => match self.raw_argument()?.trim() {
                "R" => symbol("ℝ", Class::Ord),
                "N" => symbol("ℕ", Class::Ord),
                "Z" => symbol("ℤ", Class::Ord),
                other => Err(format!("no plain-text reading of \\mathbb{{{other}}}")),
            },
            "hat" => {
                let base = join(&self.argument()?);
                if base.chars().count() != 1 {
                    return Err(format!("\\hat{{{base}}}: only a single letter takes a hat"));
                }
                symbol(&format!("{base}\u{302}"), Class::Ord)
            }
            "sqrt" => symbol(&format!("√{}", bracketed(&self.argument()?)), Class::Ord),
            "frac" => {
                let numerator = self.argument()?;
                let denominator = self.argument()?;
                Ok(Some(fraction(&join(&numerator), &join(&denominator))))
            }
            "underset" => {
                let under = self.argument()?;
                let mut base = self.argument()?;
                let last = base.last_mut().ok_or("\\underset without a base")?;
                last.text.push_str(&script_text(&under, false));
                Ok(base.pop())
            }
            "begin" => {
                let env = self.raw_argument()?.to_string();
                self.environment(&env).map(Some)
            }
            other => Err(format!("no plain-text reading of \\{other}")),
        }
    }

    /// `cases` reads `value if condition, …`; `gathered` joins its lines with `;  `.
    fn environment(&mut self, env: &str) -> Result<Piece, String> {
        let mut rows: Vec<Vec<String>> = vec![Vec::new()];
        loop {
            let (pieces, stop) = self.list()?;
            let row = rows.last_mut().ok_or("no row")?;
            row.push(join(&pieces));
            match stop {
                Stop::Ampersand => {}
                Stop::NewLine => rows.push(Vec::new()),
                Stop::EndEnv(name) if name == env => break,
                other => return Err(format!("unexpected {other:?} in {env}")),
            }
        }
        let text = match env {
            "cases" => rows.iter().map(|row| row.join(" if ")).collect::<Vec<_>>().join(", "),
            "gathered" => rows.iter().map(|row| row.concat()).collect::<Vec<_>>().join(";  "),
            other => return Err(format!("no plain-text reading of the {other} environment")),
        };
        Ok(Piece::new(text, Class::Ord))
    }
}

/// A superscript or subscript: Unicode where every character has a raised or lowered form
/// (x², β₁), else `^t`, `_in`, `^(−z)`.
fn script_text(script: &[Piece], upper: bool) -> String {
    const DIGITS: &str = "0123456789";
    const SUPERS: &str = "⁰¹²³⁴⁵⁶⁷⁸⁹";
    const SUBS: &str = "₀₁₂₃₄₅₆₇₈₉";
    let text = join(script);
    let forms = if upper { SUPERS } else { SUBS };
    if !text.is_empty() && text.chars().all(|c| c.is_ascii_digit()) {
        return text
            .chars()
            .filter_map(|c| DIGITS.find(c).and_then(|i| forms.chars().nth(i)))
            .collect();
    }
    let mark = if upper { '^' } else { '_' };
    let single = script.len() == 1 && (text.chars().count() == 1 || text.chars().all(char::is_alphanumeric));
    if single {
        format!("{mark}{text}")
    } else {
        format!("{mark}({text})")
    }
}

/// The pieces' text, in brackets unless they read as one unit.
fn bracketed(pieces: &[Piece]) -> String {
    let text = join(pieces);
    if pieces.len() == 1 && pieces[0].class != Class::Frac {
        text
    } else {
        format!("({text})")
    }
}

/// `a/b` between single units, `a / (b + c)` otherwise; ½-style where Unicode has it.
fn fraction(numerator: &str, denominator: &str) -> Piece {
    let vulgar = match (numerator, denominator) {
        ("1", "2") => Some("½"),
        ("1", "3") => Some("⅓"),
        ("1", "4") => Some("¼"),
        _ => None,
    };
    if let Some(v) = vulgar {
        return Piece::new(v, Class::Ord);
    }
    let side = |s: &str| {
        if s.contains(' ') {
            format!("({s})")
        } else {
            s.to_string()
        }
    };
    let text = if numerator.contains(' ') || denominator.contains(' ') {
        format!("{} / {}", side(numerator), side(denominator))
    } else {
        format!("{numerator}/{denominator}")
    };
    Piece::new(text, Class::Frac)
}

/// Joins pieces with the spacing of written math: blanks around relations and binary
/// operators (none after a sign), after commas, around big operators and between a function
/// name and a letter.
fn join(pieces: &[Piece]) -> String {
    use Class::*;
    let mut out = String::new();
    // The class of the last piece written, `Open` for a sign (so the next piece sticks to it).
    let mut prev: Option<Class> = None;
    let mut blank = false;
    for (i, piece) in pieces.iter().enumerate() {
        if piece.class == Space {
            blank = prev.is_some();
            continue;
        }
        let unary = piece.class == Bin && matches!(prev, None | Some(Open | Bin | Rel | Punct | Large));
        let spaced = match (prev, piece.class) {
            (None, _) | (Some(Open), _) | (_, Close | Punct) => false,
            (Some(Bin | Rel | Punct | Large), _) | (_, Rel | Large) => true,
            (_, Bin) => !unary,
            (Some(Func), Ord | Frac) | (Some(Ord | Close | Frac), Func) => true,
            _ => false,
        };
        if spaced || blank {
            out.push(' ');
        }
        blank = false;
        // A fraction touching a neighbour without an operator between reads ambiguously.
        let touches = |other: Option<&Piece>| other.is_some_and(|p| matches!(p.class, Ord | Frac | Func | Large));
        let next = pieces[i + 1..].iter().find(|p| p.class != Space);
        let prev_piece = pieces[..i].iter().rev().find(|p| p.class != Space);
        let wrap = piece.class == Frac
            && (touches(next) || touches(prev_piece) || matches!(prev_piece.map(|p| p.class), Some(Close)));
        if wrap {
            out.push('(');
            out.push_str(&piece.text);
            out.push(')');
        } else {
            out.push_str(&piece.text);
        }
        prev = Some(if unary { Open } else { piece.class });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::to_text;

    fn text(tex: &str) -> String {
        to_text(tex).unwrap_or_else(|e| panic!("{tex}: {e}"))
    }

    #[test]
    fn reads_operators_scripts_and_functions() {
        assert_eq!(text("x^2"), "x²");
        assert_eq!(text(r"x \cdot y"), "x·y");
        assert_eq!(text(r"\sin x"), "sin x");
        assert_eq!(text(r"f(z) = \max(0, z)"), "f(z) = max(0, z)");
        assert_eq!(text(r"f'(z) = 1 - \tanh^2(z)"), "f′(z) = 1 − tanh²(z)");
        assert_eq!(text(r"w \leftarrow w - \eta g"), "w ← w − ηg");
        assert_eq!(
            text(r"L = -[y \ln(p) + (1 - y) \ln(1 - p)]"),
            "L = −[y ln(p) + (1 − y) ln(1 − p)]"
        );
        assert_eq!(text(r"m \leftarrow \beta_1 m + (1 - \beta_1) g"), "m ← β₁m + (1 − β₁)g");
        assert_eq!(
            text(r"\sum_{j \ne y} \max(0, 1 + s_j - s_y)"),
            "Σ_(j ≠ y) max(0, 1 + s_j − s_y)"
        );
        assert_eq!(text(r"w \sim N(0, 0.01^2)"), "w ~ N(0, 0.01²)");
        assert_eq!(text(r"y \in \{0, \dots, K - 1\}"), "y ∈ {0, …, K − 1}");
        assert_eq!(text(r"\lambda\,\operatorname{sign}(w_i)"), "λ sign(w_i)");
        assert_eq!(text(r"\hat{y}_j"), "y\u{302}_j");
        assert_eq!(text(r"\underset{j}{\operatorname{argmax}} z_j"), "argmax_j z_j");
    }

    #[test]
    fn reads_fractions_unambiguously() {
        assert_eq!(text(r"\sigma(z) = \frac{1}{1 + e^{-z}}"), "σ(z) = 1 / (1 + e^(−z))");
        assert_eq!(
            text(r"\frac{v - \operatorname{mean}}{\operatorname{std}}"),
            "(v − mean) / std"
        );
        assert_eq!(text(r"\frac{\partial f}{\partial z_k}"), "∂f/∂z_k");
        assert_eq!(text(r"\frac{\lambda}{2} \sum_i w_i^2"), "(λ/2) Σ_i w_i²");
        assert_eq!(text(r"\eta \frac{g}{\sqrt{G} + \varepsilon}"), "η(g / (√G + ε))");
        assert_eq!(text(r"\delta(\lvert r \rvert - \frac{1}{2}\delta)"), "δ(|r| − ½δ)");
        assert_eq!(text(r"N(0, \frac{2}{n_\text{in}})"), "N(0, 2/n_in)");
    }

    #[test]
    fn reads_environments() {
        assert_eq!(
            text(
                r"\begin{gathered} f(z) = z \\ f'(z) = \begin{cases} 1 & z > 0 \\ 0 & z \le 0 \end{cases} \end{gathered}"
            ),
            "f(z) = z;  f′(z) = 1 if z > 0, 0 if z ≤ 0"
        );
    }

    #[test]
    fn refuses_what_it_cannot_read() {
        for bad in [
            r"\left( x \right)",
            r"\frac{1}",
            "{x",
            "x}",
            "^2",
            r"\begin{cases} x \end{gathered}",
            r"\hat{xy}",
            "@",
        ] {
            assert!(to_text(bad).is_err(), "read {bad:?}");
        }
    }
}
