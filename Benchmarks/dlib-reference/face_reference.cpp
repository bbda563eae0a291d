// The dlib calls that FaceKit makes, made directly from C++ on the same inputs, one
// thread, so `kiosk bench faces` can report how much the Swift wrapper costs.
//
// Usage: face_reference INPUTS LANDMARKS68 LANDMARKS5 RESNET
// INPUTS holds what `kiosk bench faces` wrote: frame-640x480.pgm, frame-1280x720.pgm,
// frame-640x480.ppm and face-box.txt ("x y width height" of the face in the 640×480 frame).
//
// It then reads requests from stdin, one per line: "OPERATION COUNT", and answers each with
// one line: OPERATION, the COUNT wall times, the COUNT thread CPU times (milliseconds,
// comma-separated), and what the last call found, tab-separated. The benchmark alternates blocks of Swift and C++ calls
// this way, so both sides see the same machine load (the station's machine is shared).
// Operations: load68 loadresnet detect640 detect1280 landmarks descriptor.
#include <dlib/dnn.h>
#include <dlib/image_processing.h>
#include <dlib/image_processing/frontal_face_detector.h>

#include <chrono>
#include <ctime>
#include <fstream>
#include <functional>
#include <map>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

using namespace dlib;

// The network type of dlib_face_recognition_resnet_model_v1.dat, the one CVision runs.
#include "../../Sources/CDlib/cdlib_face_net.hpp"
using cvk_face_net::descriptor_net;

// Binary PGM (P5) or PPM (P6), 8-bit, as the benchmark writes them.
template <typename Pixel>
array2d<Pixel> read_pnm(const std::string &path, const char *magic, int channels) {
    std::ifstream in(path, std::ios::binary);
    std::string m;
    long width = 0, height = 0, maxval = 0;
    in >> m >> width >> height >> maxval;
    in.get();
    if (!in || m != magic || maxval != 255) throw std::runtime_error("not an 8-bit " + std::string(magic) + ": " + path);
    array2d<Pixel> image(height, width);
    for (long y = 0; y < height; ++y)
        in.read(reinterpret_cast<char *>(&image[y][0]), width * channels);
    if (!in) throw std::runtime_error("truncated " + path);
    return image;
}

// CPU time of this thread: on a shared machine it counts only the work done, not the
// time spent waiting for a core.
double thread_cpu_ms() {
    timespec t;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
    return double(t.tv_sec) * 1e3 + double(t.tv_nsec) * 1e-6;
}

std::string describe(const std::vector<rectangle> &faces) {
    std::ostringstream out;
    out << faces.size() << " faces";
    for (auto &f : faces) out << " " << f.width() << "x" << f.height() << "+" << f.left() << "+" << f.top();
    return out.str();
}

int main(int argc, char **argv) {
    if (argc != 5) {
        std::cerr << "usage: face_reference INPUTS LANDMARKS68 LANDMARKS5 RESNET  (requests on stdin)\n";
        return 2;
    }
    try {
        const std::string dir = argv[1], model68 = argv[2], model5 = argv[3], resnet = argv[4];
        auto gray640 = read_pnm<unsigned char>(dir + "/frame-640x480.pgm", "P5", 1);
        auto gray1280 = read_pnm<unsigned char>(dir + "/frame-1280x720.pgm", "P5", 1);
        auto rgb640 = read_pnm<rgb_pixel>(dir + "/frame-640x480.ppm", "P6", 3);
        long bx, by, bw, bh;
        std::ifstream(dir + "/face-box.txt") >> bx >> by >> bw >> bh;
        const rectangle box(bx, by, bx + bw - 1, by + bh - 1);

        frontal_face_detector detector = get_frontal_face_detector();
        shape_predictor sp68, sp5;
        descriptor_net net;
        deserialize(model68) >> sp68;
        deserialize(model5) >> sp5;
        deserialize(resnet) >> net;

        const std::map<std::string, std::function<std::string()>> operations = {
            {"load68", [&] {
                 frontal_face_detector fresh = get_frontal_face_detector();
                 shape_predictor loaded;
                 deserialize(model68) >> loaded;
                 return std::to_string(loaded.num_parts()) + " parts";
             }},
            {"loadresnet", [&] {
                 descriptor_net loaded_net;
                 shape_predictor loaded_sp;
                 deserialize(resnet) >> loaded_net;
                 deserialize(model5) >> loaded_sp;
                 return std::to_string(loaded_sp.num_parts()) + " parts";
             }},
            {"detect640", [&] { return describe(detector(gray640)); }},
            {"detect1280", [&] { return describe(detector(gray1280)); }},
            {"landmarks", [&] {
                 auto shape = sp68(rgb640, box);
                 return std::to_string(shape.part(36).x()) + "," + std::to_string(shape.part(36).y());
             }},
            {"descriptor", [&] {
                 auto shape = sp5(rgb640, box);
                 matrix<rgb_pixel> chip;
                 extract_image_chip(rgb640, get_face_chip_details(shape, 150, 0.25), chip);
                 matrix<float, 0, 1> d = net(chip);
                 return std::to_string(d(0));
             }},
        };
        std::string name;
        int count;
        while (std::cin >> name >> count) {
            auto operation = operations.find(name);
            if (operation == operations.end()) throw std::runtime_error("unknown operation " + name);
            std::string found;
            std::ostringstream wall, cpu;
            for (int i = 0; i < count; ++i) {
                const double cpu_start = thread_cpu_ms();
                auto start = std::chrono::steady_clock::now();
                found = operation->second();
                wall << (i ? "," : "")
                     << std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
                cpu << (i ? "," : "") << thread_cpu_ms() - cpu_start;
            }
            std::cout << name << "\t" << wall.str() << "\t" << cpu.str() << "\t" << found << std::endl;
        }
    } catch (const std::exception &e) {
        std::cerr << "face_reference: " << e.what() << "\n";
        return 1;
    }
    return 0;
}
