package cli

import (
	"strings"
	"testing"
)

// `switchboard validate` refuses a webhook it could not post to and a
// program it could not run, at their lines, without showing the webhook's
// secret path.
func TestValidateNotify(t *testing.T) {
	dir := isolate(t)
	bad := writeFile(t, dir, "bad.yaml", validConfig+"notify:\n"+
		"  - webhook: hooks.slack.com/services/T000/B000/SECRETPATH\n"+
		"  - exec: [/nonexistent/page-oncall, --team, llm]\n")
	code, out, errs := run(t, "validate", "--config", bad)
	if code != ExitConfig || out != "" {
		t.Fatalf("exit %d stdout %q stderr %q, want 2", code, out, errs)
	}
	want := bad + ":8:14: notify[0].webhook: must start with http:// or https://\n" +
		bad + `:9:12: notify[1].exec[0]: "/nonexistent/page-oncall" does not exist` + "\n"
	if errs != want {
		t.Fatalf("stderr:\n%s\nwant:\n%s", errs, want)
	}
	if strings.Contains(errs, "SECRETPATH") {
		t.Fatalf("stderr shows the webhook's path:\n%s", errs)
	}
}
