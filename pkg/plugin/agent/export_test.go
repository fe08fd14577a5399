package agent

// RefuseOffLinux lets the tests refuse as on another system.
var RefuseOffLinux = refuseOffLinux
