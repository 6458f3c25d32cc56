// libclearbg_torch.so: the native side of clearbg.jobs.torchbridge (see TorchNative.java).
//
// Loaded by the JVM only after DJL's PyTorch engine, and linked by soname to libtorch_cpu.so and libc10.so, so
// every torch symbol here binds to the libtorch DJL has already loaded. A DJL NDArray handle (a Java long) is a
// heap torch::Tensor* owned by DJL; this library never frees one.
//
// Only the headers this file needs are included: one translation unit, about 20 s and 0.75 GB to compile.
#include <jni.h>

#include <torch/csrc/api/include/torch/version.h>
#include <torch/csrc/autograd/function.h>
#include <torch/csrc/autograd/function_hook.h>
#include <torch/csrc/autograd/variable.h>

#include <cstdint>
#include <exception>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace {

using torch::autograd::FunctionPostHook;
using torch::autograd::Node;
using torch::autograd::variable_list;

JavaVM* java_vm = nullptr;

// Detaches a thread that this library attached to the JVM, when the thread ends.
struct AttachedThread {
  bool attached = false;
  ~AttachedThread() {
    if (attached) {
      java_vm->DetachCurrentThread();
    }
  }
};

// The JNIEnv of the calling thread. Autograd runs a CPU backward on the thread that called it (a Java thread);
// a thread of libtorch's own (a device queue, or a re-entrant backward's pool) is attached once, as a daemon.
JNIEnv* current_env() {
  JNIEnv* env = nullptr;
  if (java_vm->GetEnv(reinterpret_cast<void**>(&env), JNI_VERSION_1_8) == JNI_OK) {
    return env;
  }
  thread_local AttachedThread thread;
  if (java_vm->AttachCurrentThreadAsDaemon(reinterpret_cast<void**>(&env), nullptr) != JNI_OK) {
    return nullptr;
  }
  thread.attached = true;
  return env;
}

// One call of TorchNative.addGradientReadyHooks: the Java object to notify and the hooks to remove again. It
// holds each parameter's gradient accumulator: a tensor keeps only a weak reference to its accumulator, which
// would otherwise die with each backward's graph, and the next forward pass would make a new one without hooks.
struct Registration {
  jobject target = nullptr;  // a global reference to the GradientReadyHooks
  jmethodID on_ready = nullptr;  // its void onReady(int)
  std::vector<std::pair<std::shared_ptr<Node>, uintptr_t>> hooks;  // accumulator, hook key
};

// Runs after a parameter's AccumulateGrad node has added this backward's gradient to the parameter's .grad,
// and tells Java the parameter's index. It leaves the gradients as they are.
class GradientReadyHook : public FunctionPostHook {
 public:
  GradientReadyHook(const Registration* registration, jint index) : registration_(registration), index_(index) {}

  variable_list operator()(const variable_list& outputs, const variable_list& /* inputs */) override {
    JNIEnv* env = current_env();
    if (env != nullptr) {
      env->CallVoidMethod(registration_->target, registration_->on_ready, index_);
      // onReady catches every Throwable itself; should one escape anyway, it is printed, not left pending
      // inside libtorch's backward.
      if (env->ExceptionCheck()) {
        env->ExceptionDescribe();
        env->ExceptionClear();
      }
    }
    return outputs;
  }

 private:
  const Registration* registration_;
  jint index_;
};

void remove_hooks(JNIEnv* env, Registration* registration) {
  for (auto& [accumulator, key] : registration->hooks) {
    accumulator->del_post_hook(key);
  }
  env->DeleteGlobalRef(registration->target);
  delete registration;
}

void throw_java(JNIEnv* env, const char* class_name, const std::string& message) {
  jclass type = env->FindClass(class_name);
  if (type != nullptr) {
    env->ThrowNew(type, message.c_str());
  }
}

}  // namespace

extern "C" {

JNIEXPORT jint JNI_OnLoad(JavaVM* vm, void* /* reserved */) {
  java_vm = vm;
  return JNI_VERSION_1_8;
}

// "major.minor.patch" of the torch headers this library was compiled against.
JNIEXPORT jstring JNICALL Java_clearbg_jobs_torchbridge_TorchNative_headerVersion(JNIEnv* env, jclass) {
  std::string version = std::to_string(TORCH_VERSION_MAJOR) + "." + std::to_string(TORCH_VERSION_MINOR) + "." +
                        std::to_string(TORCH_VERSION_PATCH);
  return env->NewStringUTF(version.c_str());
}

// Adds a GradientReadyHook with index i to the gradient accumulator of tensors[i] (DJL handles) and returns the
// registration, or 0 with a Java IllegalArgumentException (no hook left behind) when a tensor has none.
JNIEXPORT jlong JNICALL Java_clearbg_jobs_torchbridge_TorchNative_addGradientReadyHooks(
    JNIEnv* env, jclass, jlongArray tensors, jobject target) {
  auto* registration = new Registration();
  registration->target = env->NewGlobalRef(target);
  registration->on_ready = env->GetMethodID(env->GetObjectClass(target), "onReady", "(I)V");
  if (registration->on_ready == nullptr) {  // NoSuchMethodError is pending
    remove_hooks(env, registration);
    return 0;
  }
  jsize count = env->GetArrayLength(tensors);
  std::vector<jlong> handles(count);
  env->GetLongArrayRegion(tensors, 0, count, handles.data());
  try {
    for (jsize i = 0; i < count; i++) {
      const auto& tensor = *reinterpret_cast<const at::Tensor*>(handles[i]);
      std::shared_ptr<Node> accumulator =
          tensor.requires_grad() ? torch::autograd::impl::grad_accumulator(tensor) : nullptr;
      if (!accumulator) {
        throw std::invalid_argument("parameter " + std::to_string(i) +
                                    " has no gradient accumulator (it must be a leaf that requires a gradient)");
      }
      uintptr_t key = accumulator->add_post_hook(std::make_unique<GradientReadyHook>(registration, i));
      registration->hooks.emplace_back(std::move(accumulator), key);
    }
  } catch (const std::exception& e) {
    remove_hooks(env, registration);
    throw_java(env, "java/lang/IllegalArgumentException", e.what());
    return 0;
  }
  return reinterpret_cast<jlong>(registration);
}

// Removes the hooks of a registration from addGradientReadyHooks and frees it.
JNIEXPORT void JNICALL Java_clearbg_jobs_torchbridge_TorchNative_removeGradientReadyHooks(
    JNIEnv* env, jclass, jlong registration) {
  remove_hooks(env, reinterpret_cast<Registration*>(registration));
}

}  // extern "C"
