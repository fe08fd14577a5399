// Package translations keeps kubectl's message catalogs from being loaded
// when they would change nothing.
//
// Several kubectl packages the plugin imports (its get command's printers
// among them) translate their help texts in package variables, so the first
// of them to initialise loads kubectl's catalog for the user's language:
// a zip written in memory and a .po file parsed, about 4 MB allocated and
// tens of milliseconds at every start, before main runs. Under an English or
// unset locale every translation is its own message id, so the plugin skips
// the load there; any other language loads its catalog as kubectl would.
//
// The package must be imported (blank) by main: Go initialises packages in
// the order of their import paths among those whose imports are ready, so
// this one, importing only kubectl's i18n, is ready before — and sorts
// before — every kubectl package that translates at init.
package translations

import (
	"os"
	"strings"

	"k8s.io/kubectl/pkg/util/i18n"
)

func init() {
	_ = i18n.SetLoadTranslationsFunc(func() error {
		if english(language()) {
			return nil
		}
		return i18n.LoadTranslations("kubectl", nil)
	})
}

// language is the locale kubectl's i18n reads: LC_ALL, LC_MESSAGES, LANG.
func language() string {
	for _, k := range []string{"LC_ALL", "LC_MESSAGES", "LANG"} {
		if v := os.Getenv(k); v != "" {
			return v
		}
	}
	return ""
}

// english says whether kubectl would load a catalog whose translations are
// its message ids: no locale, C/POSIX, or any English one (kubectl's
// catalogs have only en_US, whose entries are the ids themselves).
func english(lang string) bool {
	lang, _, _ = strings.Cut(lang, ".")
	lang, _, _ = strings.Cut(lang, "@")
	return lang == "" || lang == "C" || lang == "POSIX" || lang == "en" || strings.HasPrefix(lang, "en_")
}
