import CentralStore
import PostgresNIO
import _ConnectionPoolModule

/// PostgreSQL's and postgres-nio's failures in the store's words, each saying what to do:
/// the server not reachable, a wrong password, a missing database, a full disk.
enum PostgresFailure {
    static func storeError(_ error: any Error, at location: PostgresLocation) -> CentralStoreError {
        let server = "PostgreSQL at \(location.server)"
        switch error {
        case let error as CentralStoreError:
            return error
        case let error as PostgresTransactionError:
            // What went wrong inside the transaction, not that it was rolled back.
            guard let cause = error.closureError ?? error.beginError ?? error.commitError ?? error.rollbackError else {
                return .unavailable("\(server): a transaction failed")
            }
            return storeError(cause, at: location)
        case let error as PSQLError:
            return psqlError(error, at: location)
        case let error as ConnectionPoolError where error == .connectionCreationCircuitBreakerTripped:
            return .unavailable("\(server) cannot be reached: no connection could be made for a minute; check that it is running "
                + "and that this machine may connect (pg_hba.conf)")
        case let error as ConnectionPoolError where error == .poolShutdown:
            return .unavailable("the PostgreSQL store of \(location) was closed")
        default:
            return .unavailable("\(server): \(error)")
        }
    }

    private static func psqlError(_ error: PSQLError, at location: PostgresLocation) -> CentralStoreError {
        let server = "PostgreSQL at \(location.server)"
        switch error.code {
        case .server:
            return serverError(error, at: location)
        case .connectionError:
            let cause = error.underlying.map { "\($0)" } ?? "no cause given"
            if cause.localizedCaseInsensitiveContains("refused") {
                return .unavailable("nothing answers at \(location.server) (connection refused): is PostgreSQL running there, "
                    + "and are the URL's host and port right?")
            }
            return .unavailable("cannot connect to \(server) (\(cause)): is it running, and are the URL's host and port right?")
        case .authMechanismRequiresPassword:
            return .unavailable("\(server) asks user \(location.user) for a password and none was given: write it in a file only "
                + "the server's user can read (chmod 600) and name that file with --postgres-password-file")
        case .sslUnsupported:
            return .unavailable("\(server) does not offer TLS and the URL asks for sslmode=require: turn on ssl in the server's "
                + "postgresql.conf, or use sslmode=prefer on a network you trust")
        case .serverClosedConnection, .uncleanShutdown:
            return .unavailable("\(server) closed the connection (stopped or restarting?); retry once it is up")
        case .poolClosed, .clientClosedConnection:
            return .unavailable("the PostgreSQL store of \(location) was closed")
        default:
            return .unavailable("\(server): \(String(reflecting: error))")
        }
    }

    /// An error the server sent, by its SQLSTATE (PostgreSQL's documented error codes).
    private static func serverError(_ error: PSQLError, at location: PostgresLocation) -> CentralStoreError {
        let server = "PostgreSQL at \(location.server)"
        let message = error.serverInfo?[.message] ?? "no message"
        switch error.serverInfo?[.sqlState] ?? "" {
        case "28P01", "28000":
            return .unavailable("\(server) refused user \(location.user) (\(message)): check the password in the password file, "
                + "the user's name in the URL, and that pg_hba.conf lets this machine in with a password")
        case "3D000":
            return .unavailable("the database \(location.database) does not exist on \(server): create it "
                + "(createdb -h \(location.host) -p \(location.port) -U \(location.user) \(location.database)) or name an existing one in the URL")
        case "42501":
            return .unavailable("user \(location.user) may not do this in \(location.database) (\(message)): make the user the "
                + "database's owner (ALTER DATABASE \(location.database) OWNER TO \(location.user))")
        case "53100":
            return .insufficientStorage("the disk of \(server) is full (\(message))")
        case "53300":
            return .unavailable("\(server) has no connection left (\(message)): raise its max_connections or stop other clients")
        case "57P03":
            return .unavailable("\(server) is starting up or shutting down (\(message)); retry in a moment")
        case let state:
            return .unavailable("\(server), database \(location.database): \(message) (SQLSTATE \(state))")
        }
    }
}
