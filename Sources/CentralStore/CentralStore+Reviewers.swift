import Foundation

/// Who may use the review pages: reviewers with a name and a password.
extension CentralStore {
    /// Keeps `name` as a reviewer with `password` (hashed), or sets a new password for one held.
    public func addReviewer(name: String, password: String, at time: Date) async throws(CentralStoreError) -> Reviewer {
        let name = name.trimmingCharacters(in: .whitespaces)
        guard !name.isEmpty, !name.contains(":"), !name.contains(where: \.isNewline) else {
            throw .invalid("a reviewer's name must be non-empty, on one line and without \":\" (it is the user name of HTTP Basic auth), e.g. \"li.wei\"")
        }
        guard password.count >= ReviewerPassword.minimumLength else {
            throw .invalid("the password has \(password.count) characters; give at least \(ReviewerPassword.minimumLength)")
        }
        let reviewer = Reviewer(name: name, password: try ReviewerPassword(hashing: password), createdAt: time)
        try await saveReviewer(reviewer)
        return reviewer
    }

    /// The reviewer `name` when `password` is theirs; nil for an unknown name or a wrong password.
    public func reviewer(name: String, password: String) async throws(CentralStoreError) -> Reviewer? {
        guard let reviewer = try await reviewer(name: name), reviewer.password.matches(password) else { return nil }
        return reviewer
    }
}
