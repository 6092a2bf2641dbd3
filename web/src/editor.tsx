// CodeMirror 6 in a Preact component: syntax highlighting for every sandbox language,
// dark/light theme, Ctrl/Cmd+Enter to run, and a handle for selection edits.
import { defaultKeymap, history, historyKeymap } from "@codemirror/commands";
import { HighlightStyle, bracketMatching, defaultHighlightStyle, foldGutter, indentOnInput, syntaxHighlighting } from "@codemirror/language";
import { highlightSelectionMatches, searchKeymap } from "@codemirror/search";
import { closeBrackets, closeBracketsKeymap } from "@codemirror/autocomplete";
import { drawSelection, highlightActiveLine, highlightActiveLineGutter, highlightSpecialChars, lineNumbers } from "@codemirror/view";
import { Annotation, Compartment, EditorState } from "@codemirror/state";
import { EditorView, keymap } from "@codemirror/view";
import { StreamLanguage } from "@codemirror/language";
import { python } from "@codemirror/lang-python";
import { javascript } from "@codemirror/lang-javascript";
import { sql } from "@codemirror/lang-sql";
import { java } from "@codemirror/lang-java";
import { go } from "@codemirror/lang-go";
import { shell } from "@codemirror/legacy-modes/mode/shell";
import { tags as t } from "@lezer/highlight";
import { useEffect, useRef } from "preact/hooks";

const outside = Annotation.define<boolean>();

// A dark theme whose every colour keeps 4.5:1 contrast on its background (WCAG AA).
const darkHighlight = HighlightStyle.define([
  { tag: [t.keyword, t.operatorKeyword, t.modifier], color: "#ff9ecb" },
  { tag: [t.string, t.special(t.string), t.regexp], color: "#a8e6a1" },
  { tag: [t.number, t.bool, t.null, t.atom], color: "#ffcb8b" },
  { tag: [t.comment, t.lineComment, t.blockComment], color: "#b4bcc6", fontStyle: "italic" },
  { tag: [t.function(t.variableName), t.function(t.propertyName), t.definition(t.function(t.variableName))], color: "#8cc8ff" },
  { tag: [t.className, t.typeName, t.definition(t.typeName)], color: "#ffd479" },
  { tag: [t.propertyName, t.attributeName], color: "#9fd8ff" },
  { tag: [t.variableName, t.definition(t.variableName), t.punctuation, t.operator], color: "#e6edf3" },
  { tag: t.invalid, color: "#ffaba3" },
]);
const darkTheme = [
  EditorView.theme(
    {
      "&": { color: "#e6edf3", backgroundColor: "#0b0f14" },
      ".cm-content": { caretColor: "#ffffff" },
      ".cm-gutters": { backgroundColor: "#0b0f14", color: "#a3adb8", borderRight: "1px solid #3a4450" },
      ".cm-activeLine, .cm-activeLineGutter": { backgroundColor: "#17202b" },
      "&.cm-focused .cm-selectionBackground, .cm-selectionBackground, ::selection": { backgroundColor: "#264f78" },
      ".cm-cursor": { borderLeftColor: "#ffffff" },
    },
    { dark: true },
  ),
  syntaxHighlighting(darkHighlight),
];
const lightTheme = EditorView.theme({ ".cm-activeLine, .cm-activeLineGutter": { backgroundColor: "#eef2f7" } });

export function languageSupport(language: string) {
  switch (language) {
    case "python":
      return python();
    case "javascript":
      return javascript();
    case "typescript":
      return javascript({ typescript: true });
    case "sql":
      return sql();
    case "java":
      return java();
    case "go":
      return go();
    case "bash":
      return StreamLanguage.define(shell);
    default:
      return [];
  }
}

export interface EditorHandle {
  view: EditorView;
  selection(): { text: string; from: number; to: number; startLine: number; endLine: number };
  replace(from: number, to: number, text: string): void;
}

interface Props {
  value: string;
  docId: string;
  language: string;
  dark: boolean;
  label: string;
  onChange: (text: string) => void;
  onRun?: () => void;
  onReady?: (h: EditorHandle) => void;
}

export function CodeEditor({ value, docId, language, dark, label, onChange, onRun, onReady }: Props) {
  const host = useRef<HTMLDivElement>(null);
  const view = useRef<EditorView | null>(null);
  const lang = useRef(new Compartment());
  const theme = useRef(new Compartment());
  const callbacks = useRef({ onChange, onRun });
  callbacks.current = { onChange, onRun };

  useEffect(() => {
    const v = new EditorView({
      parent: host.current!,
      state: EditorState.create({
        doc: value,
        extensions: [
          keymap.of([{ key: "Mod-Enter", run: () => (callbacks.current.onRun?.(), true) }]),
          lineNumbers(),
          highlightActiveLineGutter(),
          highlightSpecialChars(),
          history(),
          foldGutter(),
          drawSelection(),
          indentOnInput(),
          syntaxHighlighting(defaultHighlightStyle, { fallback: true }),
          bracketMatching(),
          closeBrackets(),
          highlightActiveLine(),
          highlightSelectionMatches(),
          keymap.of([...closeBracketsKeymap, ...defaultKeymap, ...searchKeymap, ...historyKeymap]),
          lang.current.of(languageSupport(language)),
          theme.current.of(dark ? darkTheme : lightTheme),
          EditorView.contentAttributes.of({ "aria-label": label }),
          EditorView.updateListener.of((u) => {
            if (u.selectionSet || u.docChanged) {
              // the selected lines, for the Companion's context (none: an empty selection)
              const r = u.state.selection.main;
              const lines = r.empty ? null : [u.state.doc.lineAt(r.from).number, u.state.doc.lineAt(r.to).number];
              try {
                localStorage.setItem("devlab.sandbox.selection", JSON.stringify(lines));
              } catch {
                /* storage full: no selection context */
              }
            }
            if (u.docChanged && !u.transactions.some((t) => t.annotation(outside))) {
              callbacks.current.onChange(u.state.doc.toString());
            }
          }),
        ],
      }),
    });
    view.current = v;
    // The editable content takes the keyboard focus of the scrolling region (axe).
    v.contentDOM.tabIndex = 0;
    onReady?.({
      view: v,
      selection() {
        const r = v.state.selection.main;
        const from = r.empty ? 0 : r.from;
        const to = r.empty ? v.state.doc.length : r.to;
        return {
          text: v.state.sliceDoc(from, to),
          from,
          to,
          startLine: v.state.doc.lineAt(from).number,
          endLine: v.state.doc.lineAt(to).number,
        };
      },
      replace(from, to, text) {
        v.dispatch({ changes: { from, to, insert: text } });
      },
    });
    return () => v.destroy();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  // The editor owns its text while the user types (renders lag keystrokes); a new
  // ``docId`` (tab switch, restore) replaces the document with ``value``.
  useEffect(() => {
    const v = view.current;
    if (v && v.state.doc.toString() !== value) {
      v.dispatch({ changes: { from: 0, to: v.state.doc.length, insert: value }, annotations: outside.of(true) });
    }
  }, [docId]);
  useEffect(() => {
    view.current?.dispatch({ effects: lang.current.reconfigure(languageSupport(language)) });
  }, [language]);
  useEffect(() => {
    view.current?.dispatch({ effects: theme.current.reconfigure(dark ? darkTheme : lightTheme) });
  }, [dark]);

  return <div class="editor" ref={host} />;
}
