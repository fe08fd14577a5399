// Package schedule turns a kubectl-akash command into the Kubernetes objects
// that run it in the cluster on a cron schedule — replacing the host cron
// files of the provider runbooks: a CronJob (concurrencyPolicy Forbid, the
// project's image, the same command with --yes), the ServiceAccount it runs
// as, and Roles/ClusterRoles with exactly the permissions the command needs,
// bound to that account. It only builds objects; the operator reviews and
// applies them (`... --schedule '*/5 * * * *' | kubectl apply -f -`).
package schedule
