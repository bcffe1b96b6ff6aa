extension AppRequestContext {
    /// Who is signed in, for the page header and as the actor of dashboard actions.
    var dashboardUserName: String { user?.username ?? "" }
}
