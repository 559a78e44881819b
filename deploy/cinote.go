package deploy

import "strings"

// CIChangeNote is the default change note under CI, from the CI's own
// variables; "" when none of them is set:
//
//   - Jenkins (JENKINS_URL or BUILD_URL set): "Jenkins <JOB_NAME>
//     #<BUILD_NUMBER> <BUILD_URL>";
//   - GitHub Actions (GITHUB_ACTIONS=true): "GitHub Actions
//     <GITHUB_WORKFLOW> #<GITHUB_RUN_NUMBER>
//     <GITHUB_SERVER_URL>/<GITHUB_REPOSITORY>/actions/runs/<GITHUB_RUN_ID>";
//   - GitLab CI (GITLAB_CI=true): "GitLab CI <CI_PROJECT_PATH> <CI_JOB_NAME>
//     #<CI_JOB_ID> <CI_JOB_URL>".
//
// A variable that is not set is left out.
func CIChangeNote(getenv func(string) string) string {
	switch {
	case getenv("JENKINS_URL") != "" || getenv("BUILD_URL") != "":
		return joinSet("Jenkins", getenv("JOB_NAME"), numbered(getenv("BUILD_NUMBER")), getenv("BUILD_URL"))
	case getenv("GITHUB_ACTIONS") == "true":
		url := ""
		if srv, repo, id := getenv("GITHUB_SERVER_URL"), getenv("GITHUB_REPOSITORY"), getenv("GITHUB_RUN_ID"); srv != "" && repo != "" && id != "" {
			url = srv + "/" + repo + "/actions/runs/" + id
		}
		return joinSet("GitHub Actions", getenv("GITHUB_WORKFLOW"), numbered(getenv("GITHUB_RUN_NUMBER")), url)
	case getenv("GITLAB_CI") == "true":
		return joinSet("GitLab CI", getenv("CI_PROJECT_PATH"), getenv("CI_JOB_NAME"), numbered(getenv("CI_JOB_ID")), getenv("CI_JOB_URL"))
	}
	return ""
}

// numbered is "#n", or "" for "".
func numbered(n string) string {
	if n == "" {
		return ""
	}
	return "#" + n
}

// joinSet joins the non-empty words with spaces.
func joinSet(words ...string) string {
	var set []string
	for _, w := range words {
		if w != "" {
			set = append(set, w)
		}
	}
	return strings.Join(set, " ")
}
