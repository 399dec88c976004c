// Executes a parsed template, following Go's text/template/exec.go step by
// step (walk, evalPipeline, evalCommand, evalArg, evalCall) so that values,
// "<no value>", and the node an error points at all match Go.
#include "template_exec.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "kayak/format/go_print.hpp"
#include "kayak/util/error.hpp"
#include "template_functions.hpp"

namespace kayak::format::detail {
namespace {

class Executor {
public:
  Executor(const Tree& tree, const ExecuteOptions& options, const Headers* headers)
    : tree_(tree), options_(options), headers_(headers) {}

  std::string run(const json::Value& data) {
    root_ = Val::ref(data);
    vars_.emplace_back("$", root_);
    walk(root_, *tree_.root);
    return std::move(out_);
  }

private:
  enum class Flow { Normal, Break, Continue };

  void at(const Node& node) { at_ = &node; }

  template <typename... Args>
  [[noreturn]] void errorf(fmt::format_string<Args...> format, Args&&... args) {
    std::string message = fmt::format(format, std::forward<Args>(args)...);
    if (!at_) throw Error(fmt::format("template: : {}", message));
    // Go's ErrorContext: 1-based line, and the byte offset within that
    // line (counted from the start of the text on the first line).
    std::string_view before = std::string_view(tree_.source).substr(0, at_->pos);
    size_t line = 1 + static_cast<size_t>(std::count(before.begin(), before.end(), '\n'));
    size_t newline = before.rfind('\n');
    size_t column = newline == std::string_view::npos ? at_->pos : at_->pos - (newline + 1);
    throw Error(fmt::format("template: :{}:{}: executing \"\" at <{}>: {}", line, column, node_string(*at_), message));
  }

  // ---- statements ----

  Flow walk(const Val& dot, const Node& node) {
    switch (node.kind) {
    case NodeKind::List:
      for (const auto& child : node.children) {
        Flow flow = walk(dot, *child);
        if (flow != Flow::Normal) return flow;
      }
      return Flow::Normal;
    case NodeKind::Text: out_ += node.text; return Flow::Normal;
    case NodeKind::Action: {
      Val value = eval_pipeline(dot, *node.pipe);
      if (node.pipe->decl.empty()) print(value);
      return Flow::Normal;
    }
    case NodeKind::If:
    case NodeKind::With: return walk_if_or_with(dot, node);
    case NodeKind::Range: return walk_range(dot, node);
    case NodeKind::Break: return Flow::Break;
    case NodeKind::Continue: return Flow::Continue;
    default: errorf("unknown node: {}", node_string(node));
    }
  }

  void print(const Val& value) {
    if (!value.valid()) {
      out_ += "<no value>";
    } else if (value.get().is_string()) {
      out_ += value.get().as_string();
    } else {
      out_ += go_sprint(value.get());
    }
  }

  Flow walk_if_or_with(const Val& dot, const Node& node) {
    size_t mark = vars_.size();
    Val value = eval_pipeline(dot, *node.pipe);
    Flow flow = Flow::Normal;
    if (truth(value)) {
      flow = walk(node.kind == NodeKind::With ? value : dot, *node.list);
    } else if (node.else_list) {
      flow = walk(dot, *node.else_list);
    }
    vars_.resize(mark);
    return flow;
  }

  Flow walk_range(const Val& dot, const Node& node) {
    at(node);
    size_t outer_mark = vars_.size();
    Val value = eval_pipeline(dot, *node.pipe);
    size_t mark = vars_.size();
    const auto& decl = node.pipe->decl;
    // Returns false when the body executed {{break}}.
    auto one_iteration = [&](const Val& index, const Val& elem) {
      if (!decl.empty()) {
        if (node.pipe->is_assign) {
          set_var(decl[0], decl.size() > 1 ? index : elem);
          if (decl.size() > 1) set_var(decl[1], elem);
        } else {
          // evalPipeline pushed the declared variables; with two the
          // lexically second gets the element, the first the index.
          vars_[vars_.size() - 1].second = elem;
          if (decl.size() > 1) vars_[vars_.size() - 2].second = index;
        }
      }
      Flow flow = walk(elem, *node.list);
      vars_.resize(mark);
      return flow != Flow::Break;
    };
    bool ran = false;
    if (headers_ && value.valid()) {
      // A header row has no lists: run the body once over the header.
      ran = true;
      one_iteration(Val::make(0), value);
    } else if (value.valid()) {
      const json::Value& v = value.get();
      switch (v.type()) {
      case json::Type::Array: {
        const auto& items = v.as_array();
        for (size_t i = 0; i < items.size(); ++i) {
          ran = true;
          if (!one_iteration(Val::make(static_cast<int64_t>(i)), value.child(items[i]))) break;
        }
        break;
      }
      case json::Type::Object: {
        // Go ranges over maps in sorted key order.
        std::vector<const json::Member*> members;
        for (const auto& m : v.as_object()) members.push_back(&m);
        std::stable_sort(members.begin(), members.end(),
                         [](const json::Member* a, const json::Member* b) { return a->first < b->first; });
        for (const auto* m : members) {
          ran = true;
          if (!one_iteration(Val::make(m->first), value.child(m->second))) break;
        }
        break;
      }
      case json::Type::Int: {
        if (decl.size() > 1) errorf("can't use {} to iterate over more than one variable", v.as_int());
        for (int64_t i = 0; i < v.as_int(); ++i) {
          ran = true;
          Val n = Val::make(i);
          if (!one_iteration(n, n)) break;
        }
        break;
      }
      case json::Type::Null: break;
      default: errorf("range can't iterate over {}", go_sprint(v));
      }
    }
    vars_.resize(mark);
    // The else branch cannot hold break/continue of its own range (the
    // parser only allows them inside a range body), so any flow it returns
    // belongs to an enclosing range.
    Flow flow = Flow::Normal;
    if (!ran && node.else_list) flow = walk(dot, *node.else_list);
    vars_.resize(outer_mark);
    return flow;
  }

  // ---- variables ----

  const Val& var_value(const std::string& name) {
    for (auto it = vars_.rbegin(); it != vars_.rend(); ++it) {
      if (it->first == name) return it->second;
    }
    errorf("undefined variable: {}", name);
  }

  void set_var(const std::string& name, const Val& value) {
    for (auto it = vars_.rbegin(); it != vars_.rend(); ++it) {
      if (it->first == name) {
        it->second = value;
        return;
      }
    }
    errorf("undefined variable: {}", name);
  }

  // ---- expressions ----

  Val eval_pipeline(const Val& dot, const Node& pipe) {
    at(pipe);
    Val value;
    bool have_value = false;
    for (const auto& cmd : pipe.children) {
      value = eval_command(dot, *cmd, have_value ? &value : nullptr);
      have_value = true;
      // Go unwraps interface{} results, turning a nil (JSON null) into the
      // invalid value: that is why a null field prints "<no value>".
      if (value.valid() && value.get().is_null()) value = Val();
    }
    for (const auto& name : pipe.decl) {
      if (pipe.is_assign) set_var(name, value);
      else vars_.emplace_back(name, value);
    }
    return value;
  }

  void not_a_function(const Node& cmd, const Val* final) {
    if (cmd.children.size() > 1 || final) {
      errorf("can't give argument to non-function {}", node_string(*cmd.children[0]));
    }
  }

  Val eval_command(const Val& dot, const Node& cmd, const Val* final) {
    const Node& first = *cmd.children[0];
    switch (first.kind) {
    case NodeKind::Field:
      at(first);
      if (!headers_ && first.idents.size() == 1) {
        if (auto method = options_.methods.find(first.idents[0]); method != options_.methods.end()) {
          std::vector<json::Value> args;
          for (size_t i = 1; i < cmd.children.size(); ++i) {
            Val arg = eval_arg(dot, Param::Any, *cmd.children[i]);
            args.push_back(arg.valid() ? arg.get() : json::Value());
          }
          if (final) args.push_back(final->valid() ? final->get() : json::Value());
          return Val::make(method->second(root_.get(), args));
        }
      }
      return eval_field_chain(dot, dot, first, first.idents, 0, cmd.children.size() > 1 || final);
    case NodeKind::Chain: return eval_chain(dot, first, cmd.children.size() > 1 || final);
    case NodeKind::Identifier: return eval_function(dot, first, cmd, &cmd.children, final);
    case NodeKind::Pipe:
      not_a_function(cmd, final);
      return eval_pipeline(dot, first);
    case NodeKind::Variable: return eval_variable(dot, first, &cmd, final);
    default: break;
    }
    at(first);
    not_a_function(cmd, final);
    switch (first.kind) {
    case NodeKind::Bool:
    case NodeKind::Number:
    case NodeKind::String: return Val::ref(first.constant);
    case NodeKind::Dot: return dot;
    case NodeKind::Nil: errorf("nil is not a command");
    default: errorf("can't evaluate command {}", go_quote(node_string(first)));
    }
  }

  Val eval_chain(const Val& dot, const Node& chain, bool has_args) {
    at(chain);
    if (chain.children[0]->kind == NodeKind::Nil) errorf("indirection through explicit nil in {}", node_string(chain));
    Val receiver = eval_arg(dot, Param::Any, *chain.children[0]);
    return eval_field_chain(dot, receiver, chain, chain.idents, 0, has_args);
  }

  Val eval_variable(const Val& dot, const Node& variable, const Node* cmd, const Val* final) {
    at(variable);
    Val value = var_value(variable.idents[0]);
    if (variable.idents.size() == 1) {
      if (cmd) not_a_function(*cmd, final);
      return value;
    }
    bool has_args = (cmd && cmd->children.size() > 1) || final;
    return eval_field_chain(dot, value, variable, variable.idents, 1, has_args);
  }

  // Applies idents[first...] to receiver. has_args: whether the last field
  // was given arguments (an error: JSON fields are never methods).
  Val eval_field_chain(const Val& dot, Val receiver, const Node& node, const std::vector<std::string>& idents,
                       size_t first, bool has_args) {
    (void)dot;
    if (headers_) return Val::make(header_for(idents, first));
    for (size_t i = first; i < idents.size(); ++i) {
      bool last = i + 1 == idents.size();
      receiver = eval_field(idents[i], node, last && has_args, receiver);
    }
    return receiver;
  }

  Val eval_field(const std::string& name, const Node& node, bool has_args, const Val& receiver) {
    (void)node;
    if (!receiver.valid()) return Val();
    const json::Value& v = receiver.get();
    if (v.is_null()) errorf("nil pointer evaluating interface {{}}.{}", name);
    if (v.is_object()) {
      if (has_args) errorf("{} is not a method but has arguments", name);
      if (const json::Value* member = v.find(name)) return receiver.child(*member);
      if (!options_.root_type.empty() && receiver.address() == root_.address()) {
        errorf("can't evaluate field {} in type {}", name, options_.root_type);
      }
      return Val();
    }
    errorf("can't evaluate field {} in type {}", name, go_type_name(v));
  }

  std::string header_for(const std::vector<std::string>& idents, size_t first) {
    if (first >= idents.size()) return {};
    std::string path;
    for (size_t i = first; i < idents.size(); ++i) path += (i > first ? "." : "") + idents[i];
    if (auto it = headers_->find(path); it != headers_->end()) return it->second;
    if (auto it = headers_->find(idents.back()); it != headers_->end()) return it->second;
    return default_header(idents.back());
  }

  Val eval_function(const Val& dot, const Node& ident, const Node& cmd,
                    const std::vector<std::unique_ptr<Node>>* args, const Val* final) {
    at(ident);
    const Function* function = find_function(ident.text);
    if (!function) errorf("{} is not a defined function", go_quote(ident.text));
    return eval_call(dot, *function, cmd, args, final);
  }

  // args: the command's operands including the function name (or null when
  // the function is itself an argument and takes none).
  Val eval_call(const Val& dot, const Function& fn, const Node& node,
                const std::vector<std::unique_ptr<Node>>* command_args, const Val* final) {
    std::vector<const Node*> args;
    if (command_args) {
      for (size_t i = 1; i < command_args->size(); ++i) args.push_back((*command_args)[i].get());
    }
    size_t num_in = args.size() + (final ? 1 : 0);
    size_t num_fixed = fn.params.size();
    if (fn.variadic) {
      if (num_in < num_fixed) {
        errorf("wrong number of args for {}: want at least {} got {}", fn.name, num_fixed, args.size());
      }
    } else if (num_in != num_fixed) {
      errorf("wrong number of args for {}: want {} got {}", fn.name, num_fixed, num_in);
    }
    auto param_at = [&](size_t i) { return i < num_fixed ? fn.params[i] : *fn.variadic; };
    bool passthrough = headers_ && fn.header_passthrough;

    if (!fn.impl) {
      // and/or evaluate lazily and return the deciding operand.
      bool is_or = fn.name == "or";
      Val v;
      for (const Node* arg : args) {
        v = eval_arg(dot, Param::Any, *arg);
        if (truth(v) == is_or) return v;
      }
      if (final) v = *final;
      return v;
    }

    std::vector<Val> argv;
    argv.reserve(num_in);
    for (size_t i = 0; i < args.size(); ++i) argv.push_back(eval_arg(dot, passthrough ? Param::Any : param_at(i), *args[i]));
    if (final) argv.push_back(passthrough ? *final : validate(*final, param_at(args.size())));
    if (passthrough) return argv[0];
    try {
      return fn.impl(argv);
    } catch (const CallError& e) {
      at(node);
      errorf("error calling {}: {}", fn.name, e.message);
    }
  }

  Val eval_arg(const Val& dot, Param type, const Node& n) {
    at(n);
    switch (n.kind) {
    case NodeKind::Dot: return validate(dot, type);
    case NodeKind::Nil:
      if (type == Param::Any || type == Param::StringList) return Val::make(nullptr);
      errorf("cannot assign nil to {}", param_type_name(type));
    case NodeKind::Field: return validate(eval_field_chain(dot, dot, n, n.idents, 0, false), type);
    case NodeKind::Variable: return validate(eval_variable(dot, n, nullptr, nullptr), type);
    case NodeKind::Pipe: return validate(eval_pipeline(dot, n), type);
    case NodeKind::Identifier: return validate(eval_function(dot, n, n, nullptr, nullptr), type);
    case NodeKind::Chain: return validate(eval_chain(dot, n, false), type);
    default: break;
    }
    // A literal: Go checks it against the parameter type at this point.
    switch (type) {
    case Param::Any: return Val::ref(n.constant);
    case Param::String:
      if (n.kind == NodeKind::String) return Val::ref(n.constant);
      errorf("expected string; found {}", node_string(n));
    case Param::Int:
      if (n.kind == NodeKind::Number) {
        if (n.constant.is_int()) return Val::ref(n.constant);
        double d = n.constant.as_double();
        if (d == static_cast<double>(static_cast<int64_t>(d))) return Val::make(static_cast<int64_t>(d));
      }
      errorf("expected integer; found {}", node_string(n));
    case Param::StringList: errorf("can't handle {} for arg of type []string", node_string(n));
    }
    errorf("can't handle {}", node_string(n));
  }

  Val validate(const Val& value, Param type) {
    if (!value.valid() || value.get().is_null()) {
      // nil suits interface{} and slice parameters, not strings or ints.
      if (type == Param::Any) return value;
      if (type == Param::StringList) return Val::make(json::Array{});
      errorf("invalid value; expected {}", param_type_name(type));
    }
    const json::Value& v = value.get();
    bool ok = true;
    switch (type) {
    case Param::Any: break;
    case Param::String: ok = v.is_string(); break;
    case Param::Int: ok = v.is_int(); break;
    case Param::StringList:
      ok = v.is_array() && std::all_of(v.as_array().begin(), v.as_array().end(),
                                       [](const json::Value& item) { return item.is_string(); });
      break;
    }
    if (!ok) errorf("wrong type for value; expected {}; got {}", param_type_name(type), go_type_name(v));
    return value;
  }

  const Tree& tree_;
  const ExecuteOptions& options_;
  const Headers* headers_;
  Val root_;
  std::vector<std::pair<std::string, Val>> vars_;
  const Node* at_ = nullptr;
  std::string out_;
};

}  // namespace

std::string execute_tree(const Tree& tree, const json::Value& data, const ExecuteOptions& options,
                         const Headers* headers) {
  return Executor(tree, options, headers).run(data);
}

}  // namespace kayak::format::detail
