// The language gate's settings, apart from the detector itself: compiling rules needs these,
// and must not load the n-gram models (eld's alone take most of a second to import), so the
// rules CLI's check stays fast.

export interface LanguageOptions {
  /** Fewer letters than this and the text is undetermined. */
  minLetters: number
  /** Fewer words than this and the text is undetermined. */
  minWords: number
}

export const DEFAULT_LANGUAGE_OPTIONS: LanguageOptions = { minLetters: 12, minWords: 3 }
