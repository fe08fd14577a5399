package translations

import (
	"testing"

	"k8s.io/kubectl/pkg/util/i18n"
)

// Only locales whose kubectl catalog is its message ids skip the load.
func TestEnglish(t *testing.T) {
	for lang, want := range map[string]bool{
		"": true, "C": true, "POSIX": true, "C.UTF-8": true, "en_US.UTF-8": true, "en_GB.UTF-8": true, "en": true, "en_US@euro": true,
		"fr_FR.UTF-8": false, "de_DE": false, "zh_CN.UTF-8": false, "ja_JP.eucJP": false, "english": false,
	} {
		if got := english(lang); got != want {
			t.Errorf("english(%q) = %v, want %v", lang, got, want)
		}
	}
}

// Under a locale kubectl translates, kubectl's strings are still
// translated: the catalog is loaded on first use, as kubectl does.
func TestOtherLanguagesStillTranslate(t *testing.T) {
	t.Setenv("LC_ALL", "fr_FR.UTF-8")
	const id = "Delete the specified cluster from the kubeconfig"
	if got := i18n.T(id); got == id {
		t.Errorf("i18n.T(%q) under fr_FR = %q, not translated", id, got)
	}
}
