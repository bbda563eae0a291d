// swift-tools-version: 6.1
import PackageDescription

// Where Debian puts OpenCV's headers; libopencv-imgproc-dev ships no pkg-config file.
let openCVInclude = "-I/usr/include/opencv4"

let package = Package(
    name: "PhotoKiosk",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "kiosk", targets: ["kiosk"]),
        .executable(name: "kiosk-server", targets: ["kiosk-server"]),
        .executable(name: "kiosk-eval", targets: ["kiosk-eval"]),
        .library(name: "ImageKit", targets: ["ImageKit"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache", from: "2.1.1"),
        .package(url: "https://github.com/weichsel/ZIPFoundation", from: "0.9.20"),
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
    ],
    targets: [
        // MARK: System libraries and the C/C++ layer
        .systemLibrary(
            name: "CV4L2",
            pkgConfig: "libv4l2",
            providers: [.apt(["libv4l-dev"])]
        ),
        .systemLibrary(
            name: "CPNG",
            pkgConfig: "libpng",
            providers: [.apt(["libpng-dev"])]
        ),
        .target(
            name: "CJPEG",
            cSettings: [.unsafeFlags(["-O2"])],
            linkerSettings: [.linkedLibrary("jpeg")]
        ),
        .target(
            name: "CVision",
            cxxSettings: [.unsafeFlags([openCVInclude, "-O2"])],
            linkerSettings: [
                .linkedLibrary("opencv_dnn"),
                .linkedLibrary("opencv_imgproc"),
                .linkedLibrary("opencv_core"),
            ]
        ),
        // The dlib face operations, apart from CVision so that only FaceKit (and what uses it)
        // links dlib, BLAS and LAPACK; ImageKit and kiosk-server do not.
        .target(
            name: "CDlib",
            dependencies: ["CVision"],
            cxxSettings: [
                .unsafeFlags(["-O2"]),
                // dlib checks at link time that asserts are configured as in Debian's build.
                .define("DLIB_DISABLE_ASSERTS"),
            ],
            linkerSettings: [
                .linkedLibrary("dlib"),
                .linkedLibrary("blas"),
                .linkedLibrary("lapack"),
            ]
        ),

        // MARK: Swift modules
        .target(name: "ImageKit", dependencies: ["CJPEG", "CPNG", "CVision"]),
        .target(name: "DataCache"),
        .target(name: "KioskConfiguration", dependencies: [.product(name: "Logging", package: "swift-log")]),
        .target(name: "FileOutput"),
        .target(name: "Capture", dependencies: ["CV4L2", "ImageKit", "FileOutput"]),
        .target(name: "FaceKit", dependencies: ["ImageKit", "CVision", "CDlib"], exclude: ["README.md"]),
        .target(name: "PhotoStandard", dependencies: ["ImageKit", "FaceKit", "CVision"]),
        // Tooling: measures the station against truth that does not come from it; not shipped.
        .target(name: "MatteEvaluation", dependencies: ["ImageKit", "FaceKit", "PhotoStandard"]),
        // Tooling: whether the live guidance and the capture's checks agree on the same frames.
        .target(name: "GuidanceEvaluation", dependencies: ["Guidance", "Compliance", "MatteEvaluation", "ImageKit", "FaceKit", "PhotoStandard"]),
        .target(name: "ComplianceEvaluation", dependencies: ["Compliance", "FaceKit", "ImageKit"]),
        .target(name: "KioskBenchmarks", dependencies: ["ImageKit", "DataCache", "PhotoStandard", "Capture", "FaceKit", "Guidance", "TerminalUI", "Compliance", "StationStore", "Roster", "Fees",
                                                 "LiveStation", "EnrollmentFace", "SyncWire", "StationSync",
                                                 .product(name: "AsyncHTTPClient", package: "async-http-client")]),
        .target(name: "TerminalUI", dependencies: ["ImageKit"]),
        .target(name: "Guidance", dependencies: ["ImageKit", "FaceKit", "PhotoStandard", "Compliance"]),
        .target(name: "Compliance", dependencies: ["ImageKit", "FaceKit", "PhotoStandard", "CVision", "DataCache"]),
        .target(name: "LiveStation", dependencies: ["Capture", "FaceKit", "Guidance", "PhotoStandard", "Compliance", "TerminalUI", "ImageKit", "CPNG", "KioskConfiguration", "FileOutput",
                                             "StationSession", "StationStore", "Roster", "Fees", "CodeReading", "Speech", "EnrollmentFace", "IdentityCheck",
                                             "StationSync", "StationMetrics", .product(name: "Logging", package: "swift-log")]),

        // The student's path through the station and the store under it (issue 14).
        .target(name: "Fees"),
        .target(name: "Roster", dependencies: [.product(name: "Crypto", package: "swift-crypto")]),
        .target(name: "StationSession", dependencies: ["Roster", "Fees"]),
        // The on-the-spot identity check's outcome (a plain value the store keeps and sends).
        .target(name: "IdentityCheck"),
        // The collection code (QR) from the webcam through Debian's ZBar; a scanner's keys told from a person's.
        .systemLibrary(
            name: "CZBar",
            pkgConfig: "zbar",
            providers: [.apt(["libzbar-dev"])]
        ),
        .target(name: "CodeReading", dependencies: ["CZBar", "ImageKit"]),
        // Spoken prompts through espeak-ng, rate-limited.
        .target(name: "Speech"),
        // The captured face compared with the enrollment photo (FaceKit's descriptor and rule).
        .target(name: "EnrollmentFace", dependencies: ["IdentityCheck", "FaceKit", "ImageKit"]),
        .target(name: "StationStore", dependencies: [
            "Roster", "Fees", "FileOutput", "IdentityCheck", "SyncWire",
            .product(name: "GRDB", package: "GRDB.swift"),
            .product(name: "Crypto", package: "swift-crypto"),
        ]),

        // Readiness and watchdog pings to systemd (Type=notify) for the daemons (issue 16).
        .target(name: "ServiceNotify"),
        // What a deployment installs that the programs generate: the camera's udev rule.
        .target(name: "StationDeployment"),
        // The daemon's figures (frames, captures, check failures, outbox, last sync) as Prometheus
        // metrics on a local port, through swift-metrics and swift-prometheus.
        .target(name: "StationMetrics", dependencies: [
            .product(name: "Metrics", package: "swift-metrics"),
            .product(name: "Prometheus", package: "swift-prometheus"),
            .product(name: "Hummingbird", package: "hummingbird"),
            .product(name: "Logging", package: "swift-log"),
        ]),
        // `kiosk demo`: a whole station on defaults (replayed frames of a test face, a scripted
        // student, an embedded kiosk-server on loopback); the station itself is LiveStation's.
        .target(name: "StationDemo", dependencies: [
            "LiveStation", "TerminalUI", "ImageKit", "DataCache", "EnrollmentFace", "FaceKit", "PhotoStandard", "Roster", "StationStore",
        ]),
        // `kiosk doctor`: every check of what an operator can get wrong, with its fix.
        .target(name: "StationDoctor", dependencies: [
            "Capture", "FaceKit", "StationStore", "StationSync", "SyncWire", "LiveStation", "KioskConfiguration",
            .product(name: "GRDB", package: "GRDB.swift"),
            .product(name: "AsyncHTTPClient", package: "async-http-client"),
        ]),

        // MARK: The centre and the sync (issue 15)
        // The wire types and the request signature both ends share (docs/sync-api.md).
        .target(name: "SyncWire", dependencies: [.product(name: "Crypto", package: "swift-crypto")]),
        // The centre's storage behind one protocol: SQLite and a blob folder; PostgreSQL when configured.
        .target(name: "CentralStore", dependencies: [
            "SyncWire", "FileOutput", "Roster",
            .product(name: "GRDB", package: "GRDB.swift"),
            .product(name: "Crypto", package: "swift-crypto"),
            // PBKDF2 for the reviewers' passwords.
            .product(name: "_CryptoExtras", package: "swift-crypto"),
        ]),
        // The same store in PostgreSQL through postgres-nio (`kiosk-server serve --postgres`).
        .target(name: "CentralStorePostgres", dependencies: [
            "CentralStore", "SyncWire",
            .product(name: "PostgresNIO", package: "postgres-nio"),
            // The pool's error type, to say "PostgreSQL cannot be reached" when the pool gives up.
            .product(name: "_ConnectionPoolModule", package: "postgres-nio"),
            .product(name: "Logging", package: "swift-log"),
        ]),
        // kiosk-server's settings file (kiosk-config/server.json5) over the station's loader.
        .target(name: "ServerConfiguration", dependencies: [
            "KioskConfiguration", "CentralStorePostgres", .product(name: "Logging", package: "swift-log"),
        ]),
        // The server's HTTP side: the /v1 API, the signature check, the reviewers' pages.
        .target(name: "CentralServer", dependencies: [
            "SyncWire", "CentralStore", "FileOutput", "Roster",
            .product(name: "Hummingbird", package: "hummingbird"),
            .product(name: "Mustache", package: "swift-mustache"),
            .product(name: "ZIPFoundation", package: "ZIPFoundation"),
            .product(name: "Crypto", package: "swift-crypto"),
        ]),
        // The station's sync client over the store's outbox.
        .target(name: "StationSync", dependencies: [
            "SyncWire", "StationStore", "Roster",
            .product(name: "AsyncHTTPClient", package: "async-http-client"),
        ]),

        // MARK: Programs (wiring only)
        .executableTarget(
            name: "kiosk",
            dependencies: [
                "ImageKit", "DataCache", "KioskBenchmarks", "PhotoStandard", "FaceKit", "Capture", "Guidance", "TerminalUI",
                "Compliance", "LiveStation", "KioskConfiguration", "FileOutput", "StationStore", "Roster", "IdentityCheck",
                "EnrollmentFace", "Speech", "StationSync", "SyncWire", "StationDeployment", "ServiceNotify", "StationDoctor",
                "StationMetrics", "StationDemo",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        .executableTarget(
            name: "kiosk-eval",
            dependencies: [
                "MatteEvaluation", "ComplianceEvaluation", "GuidanceEvaluation", "Compliance", "PhotoStandard", "FaceKit", "DataCache",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .executableTarget(
            name: "kiosk-server",
            dependencies: [
                "ImageKit", "SyncWire", "CentralStore", "CentralStorePostgres", "CentralServer", "ServiceNotify", "FileOutput", "ServerConfiguration",
                // DisplayWidth: `station list` lines up Chinese station and school names.
                "TerminalUI",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Hummingbird", package: "hummingbird"),
            ]
        ),

        // MARK: Tests
        .testTarget(name: "ImageKitTests", dependencies: ["ImageKit", "DataCache"]),
        .testTarget(name: "KioskConfigurationTests", dependencies: ["KioskConfiguration"]),
        .testTarget(name: "CaptureTests", dependencies: ["Capture", "ImageKit", "DataCache"]),
        // Needs a real V4L2 device (vivid in the VM of scripts/vm/run-capture-tests.sh).
        .testTarget(name: "CaptureDeviceTests", dependencies: ["Capture", "ImageKit"]),
        .testTarget(name: "PhotoStandardTests", dependencies: ["PhotoStandard", "FaceKit", "ImageKit", "DataCache", "MatteEvaluation"]),
        .testTarget(name: "FaceKitTests", dependencies: ["FaceKit", "DataCache"]),
        .testTarget(name: "TerminalUITests", dependencies: ["TerminalUI", "ImageKit"]),
        .testTarget(name: "ComplianceTests", dependencies: ["Compliance", "FaceKit", "PhotoStandard", "ImageKit", "DataCache"]),
        .testTarget(name: "LiveStationTests", dependencies: ["LiveStation", "Capture", "FaceKit", "Guidance", "TerminalUI", "KioskConfiguration", "PhotoStandard", "Compliance", "ImageKit", "DataCache", "FileOutput", "ScratchDisk", "SettingsCorpus", "StationStore", "StationSession", "Roster", "Fees", "IdentityCheck", "EnrollmentFace", "Speech"]),
        .testTarget(name: "GuidanceTests", dependencies: ["Guidance", "Compliance", "FaceKit", "PhotoStandard", "ImageKit", "DataCache"]),
        // Small tmpfs disks the file-output tests fill up and make read-only (needs root).
        .target(name: "ScratchDisk", path: "Tests/ScratchDisk"),
        // Station files with one mistake each, shared by the loader's tests and the command corpus.
        // Runs the built `kiosk` in a folder and lists what it left there (the command tests).
        .target(name: "KioskProgram", path: "Tests/KioskProgram"),
        .target(name: "SettingsCorpus", dependencies: ["KioskConfiguration"], path: "Tests/SettingsCorpus"),
        // Runs the built `kiosk` (a product the test build makes too) over a generated corpus of bad inputs.
        .testTarget(name: "KioskCommandTests", dependencies: ["KioskProgram", "SettingsCorpus", "KioskConfiguration", "LiveStation", "DataCache", "StationStore"]),
        // Test tooling: saves sessions in a loop so that StationStoreTests can kill it (SIGKILL) and check the store.
        .target(name: "StoreTestSupport", dependencies: ["StationStore", "Roster", "Fees"], path: "Tests/StoreTestSupport"),
        .executableTarget(name: "kiosk-store-crash-child", dependencies: ["StationStore", "StoreTestSupport"], path: "Tests/StoreCrashChild"),
        .testTarget(name: "RosterTests", dependencies: ["Roster"]),
        .testTarget(name: "FeesTests", dependencies: ["Fees"]),
        .testTarget(name: "StationStoreTests", dependencies: ["StationStore", "Roster", "Fees", "ScratchDisk", "FileOutput", "StoreTestSupport", "IdentityCheck"]),
        .testTarget(name: "CodeReadingTests", dependencies: ["CodeReading", "ImageKit", "DataCache"]),
        .testTarget(name: "SpeechTests", dependencies: ["Speech"]),
        .testTarget(name: "EnrollmentFaceTests", dependencies: ["EnrollmentFace", "IdentityCheck", "FaceKit", "ImageKit", "DataCache"]),
        .testTarget(name: "StationSessionTests", dependencies: ["StationSession", "StationStore", "Roster", "Fees"]),
        .testTarget(name: "SyncWireTests", dependencies: ["SyncWire"]),
        .testTarget(name: "ServiceNotifyTests", dependencies: ["ServiceNotify"]),
        // The metrics' names, help and endpoint, and the built `kiosk run` in a pseudo-terminal: scraped, then stopped by SIGTERM.
        .testTarget(name: "StationMetricsTests", dependencies: [
            "StationMetrics", "KioskProgram", "FaceKit",
            .product(name: "Metrics", package: "swift-metrics"),
            .product(name: "Prometheus", package: "swift-prometheus"),
            .product(name: "Logging", package: "swift-log"),
        ]),
        .testTarget(name: "StationDeploymentTests", dependencies: ["StationDeployment"]),
        .testTarget(name: "StationDoctorTests", dependencies: [
            "StationDoctor", "StationStore", "StoreTestSupport", "StationSync", "SyncWire", "CentralServer", "CentralStore", "ScratchDisk",
            "KioskProgram", "LiveStation",
        ]),
        .testTarget(name: "CentralServerTests", dependencies: [
            "CentralServer", "CentralStore", "CentralStorePostgres", "SyncWire", "ScratchDisk", "KioskProgram", "ServerConfiguration",
            .product(name: "HummingbirdTesting", package: "hummingbird"),
        ]),
        // The sync against a real kiosk-server on loopback (the built product, killed and restarted).
        .testTarget(name: "StationSyncTests", dependencies: [
            "StationSync", "StationStore", "StoreTestSupport", "CentralServer", "CentralStore", "SyncWire", "Roster", "Fees",
            "ScratchDisk", "KioskProgram",
        ]),
        .testTarget(name: "FileOutputTests", dependencies: ["KioskProgram", "FileOutput", "ScratchDisk", "DataCache", "ImageKit"]),
    ],
    cxxLanguageStandard: .cxx17
)
